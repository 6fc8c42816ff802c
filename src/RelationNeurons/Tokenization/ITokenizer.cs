namespace RelationNeurons.Tokenization;

/// <summary>A tokenizer as the engine and the data stages use it.</summary>
public interface ITokenizer
{
    int VocabSize { get; }
    int BosId { get; }
    IReadOnlyList<int> EosIds { get; }
    /// <summary>Whether the tokenizer's configuration asks for BOS to be prepended (Llama: yes).</summary>
    bool AddBosByDefault { get; }

    /// <summary>Encodes text exactly as the reference library does; BOS only when asked.</summary>
    int[] Encode(string text, bool addBos);

    /// <summary>The piece string of each id (e.g. "▁The", "&lt;0x0A&gt;").</summary>
    string IdToPiece(int id);

    /// <summary>Decodes ids to text (byte pieces joined into UTF-8, dummy-prefix space removed at the start); an id outside the vocabulary decodes to nothing.</summary>
    string Decode(ReadOnlySpan<int> ids);
}
