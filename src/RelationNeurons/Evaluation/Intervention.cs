using RelationNeurons.Hooks;

namespace RelationNeurons.Evaluation;

/// <summary>
/// Units forced to fixed values at every position, during the prompt and during generation.
/// Deactivation is the value 0 for every unit.
/// </summary>
public sealed record Intervention(IReadOnlyList<NeuronId> Neurons, IReadOnlyList<float> Values)
{
    public static Intervention Deactivate(IReadOnlyList<NeuronId> neurons) => Constant(neurons, 0f);

    public static Intervention Constant(IReadOnlyList<NeuronId> neurons, float value) =>
        new(neurons, Enumerable.Repeat(value, neurons.Count).ToArray());

    public int Count => Neurons.Count;

    /// <summary>The lowest layer written to, or null when no unit is set.</summary>
    public int? LowestLayer => Neurons.Count == 0 ? null : Neurons.Min(n => n.Hook.Layer);

    /// <summary>Every unit and its value's bits, in order: what makes two interventions the same question to the model (digested into keys).</summary>
    public void AppendKey(System.Text.StringBuilder sb)
    {
        for (int i = 0; i < Count; i++)
            sb.Append(Neurons[i].ToString()).Append('=').Append(BitConverter.SingleToInt32Bits(Values[i])).Append(';');
    }

    public HookSet ToHookSet()
    {
        if (Values.Count != Neurons.Count)
            throw new ArgumentException($"{Neurons.Count} neurons but {Values.Count} values");
        return new HookSet().SetNeurons(Neurons.Select((n, i) => (n, Values[i])));
    }
}
