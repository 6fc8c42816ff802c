
namespace RelationNeurons.Hooks;

/// <summary>
/// Sees the tensor at a tap during a forward step, after any writers at that tap have run.
/// <paramref name="values"/> is [batch.RowCount × width], row-major, rows laid out as
/// <paramref name="batch"/> describes. Called on the forward thread; copy what you need, the
/// span is reused by the next step.
/// </summary>
public interface IActivationReader
{
    void Read(HookPoint hook, ReadOnlySpan<float> values, int width, BatchLayout batch);
}

/// <summary>
/// A reader that understands shared-prefix steps (<see cref="BatchLayout.IsSharedPrefix"/>): the
/// tokens every prompt of a step starts with are run once, as a step of their own, and the
/// prompts then continue from them (their <see cref="BatchLayout.PastLength"/> is the prefix
/// length). The engine shares prefixes only when every reader attached is one of these; a
/// reader that wants each prompt's rows whole implements the plain interface.
/// </summary>
public interface ISharedPrefixReader : IActivationReader;

/// <summary>A reader as a lambda; see <see cref="IActivationReader"/>.</summary>
public delegate void ActivationCallback(HookPoint hook, ReadOnlySpan<float> values, int width, BatchLayout batch);

internal sealed class CallbackReader(ActivationCallback callback) : IActivationReader
{
    public void Read(HookPoint hook, ReadOnlySpan<float> values, int width, BatchLayout batch) => callback(hook, values, width, batch);
}
