using System.Security.Cryptography;
using System.Text;
using RelationNeurons.Data;
using RelationNeurons.Evaluation;

namespace RelationNeurons.Experiments.Runners;

/// <summary>
/// One evaluation an experiment needs: its label, the test prompts it covers, and the
/// intervention (null: the clean model). <see cref="Key"/> digests all three, so a stored
/// evaluation is reused only when it was made for exactly this condition.
/// </summary>
public sealed record ConditionRequest(string Label, IReadOnlyList<Prompt> Scope, Intervention? Intervention)
{
    private string? _key;

    public string Key => _key ??= ComputeKey();

    private string ComputeKey()
    {
        var sb = new StringBuilder();
        sb.Append(Label).Append('\n');
        foreach (var p in Scope) sb.Append(p.Relation).Append('\t').Append(p.Language).Append('\t').Append(p.FactId).Append('\t').Append(p.Text).Append('\t').AppendJoin('|', p.Answers).Append('\n');
        Intervention?.AppendKey(sb);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}
