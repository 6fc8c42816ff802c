using System.Text.Encodings.Web;
using System.Text.Json;
using RelationNeurons.IO;
using RelationNeurons.Tokenization.SentencePiece;

namespace RelationNeurons.Tokenization.Training;

/// <summary>
/// Saves a SentencePiece BPE vocabulary as Hugging Face files, the way transformers converts
/// Llama-2's tokenizer.model: tokenizer.json (normalizer Prepend "▁" + Replace " " → "▁", BPE with
/// byte_fallback, merges) and tokenizer_config.json (add_bos_token). Merges are every split of a
/// piece into two pieces, ordered by the merged piece's score, so that rank-ordered merging picks
/// what SentencePiece's score-ordered merging picks. Both files are written atomically.
/// </summary>
public static class SentencePieceStyleTokenizerWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(SentencePieceModel model, string folder, int? modelMaxLength = null)
    {
        if (model.ModelType != SentencePieceModelType.Bpe) throw new ArgumentException("only BPE vocabularies can be written as a tokenizer.json BPE model", nameof(model));
        Directory.CreateDirectory(folder);
        AtomicFile.Write(Path.Combine(folder, TokenizerLoader.TokenizerJson), s => WriteTokenizerJson(model, s));
        AtomicFile.Write(Path.Combine(folder, TokenizerConfigFile.FileName), s => WriteTokenizerConfig(model, s, modelMaxLength));
    }

    /// <summary>(left, right) piece pairs in merge-rank order.</summary>
    public static List<(string Left, string Right)> Merges(SentencePieceModel model)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < model.Pieces.Count; i++)
            if (IsMergeable(model.Pieces[i].Type)) ids.TryAdd(model.Pieces[i].Piece, i);

        var found = new List<(float Score, int Merged, int Left, int Right)>();
        for (int i = 0; i < model.Pieces.Count; i++)
        {
            var p = model.Pieces[i];
            if (!IsMergeable(p.Type)) continue;
            string s = p.Piece;
            for (int cut = 1; cut < s.Length; cut++)
            {
                if (char.IsLowSurrogate(s[cut])) continue; // never split a character
                if (ids.TryGetValue(s[..cut], out int l) && ids.TryGetValue(s[cut..], out int r)) found.Add((p.Score, i, l, r));
            }
        }
        found.Sort((x, y) =>
        {
            int c = y.Score.CompareTo(x.Score);
            if (c == 0) c = x.Merged.CompareTo(y.Merged);
            if (c == 0) c = x.Left.CompareTo(y.Left);
            return c;
        });
        return found.Select(f => (model.Pieces[f.Left].Piece, model.Pieces[f.Right].Piece)).ToList();
    }

    private static bool IsMergeable(PieceType t) => t is PieceType.Normal or PieceType.UserDefined;

    private static void WriteTokenizerJson(SentencePieceModel model, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, WriterOptions);
        string unk = model.Pieces[model.UnkId].Piece;
        string? bos = model.BosId >= 0 && model.BosId < model.Pieces.Count ? model.Pieces[model.BosId].Piece : null;

        w.WriteStartObject();
        w.WriteString("version", "1.0");
        w.WriteNull("truncation");
        w.WriteNull("padding");

        w.WriteStartArray("added_tokens");
        for (int i = 0; i < model.Pieces.Count; i++)
        {
            var p = model.Pieces[i];
            if (p.Type is not (PieceType.Unknown or PieceType.Control or PieceType.UserDefined)) continue;
            w.WriteStartObject();
            w.WriteNumber("id", i);
            w.WriteString("content", p.Piece);
            w.WriteBoolean("single_word", false);
            w.WriteBoolean("lstrip", false);
            w.WriteBoolean("rstrip", false);
            w.WriteBoolean("normalized", false);
            w.WriteBoolean("special", p.Type != PieceType.UserDefined);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartObject("normalizer");
        w.WriteString("type", "Sequence");
        w.WriteStartArray("normalizers");
        if (model.AddDummyPrefix)
        {
            w.WriteStartObject();
            w.WriteString("type", "Prepend");
            w.WriteString("prepend", "\u2581");
            w.WriteEndObject();
        }
        w.WriteStartObject();
        w.WriteString("type", "Replace");
        w.WriteStartObject("pattern");
        w.WriteString("String", " ");
        w.WriteEndObject();
        w.WriteString("content", "\u2581");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteNull("pre_tokenizer");

        if (bos is not null)
        {
            w.WriteStartObject("post_processor");
            w.WriteString("type", "TemplateProcessing");
            w.WriteStartArray("single");
            WriteSpecial(w, bos, 0);
            WriteSequence(w, "A", 0);
            w.WriteEndArray();
            w.WriteStartArray("pair");
            WriteSpecial(w, bos, 0);
            WriteSequence(w, "A", 0);
            WriteSpecial(w, bos, 1);
            WriteSequence(w, "B", 1);
            w.WriteEndArray();
            w.WriteStartObject("special_tokens");
            w.WriteStartObject(bos);
            w.WriteString("id", bos);
            w.WriteStartArray("ids");
            w.WriteNumberValue(model.BosId);
            w.WriteEndArray();
            w.WriteStartArray("tokens");
            w.WriteStringValue(bos);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        else w.WriteNull("post_processor");

        w.WriteStartObject("decoder");
        w.WriteString("type", "Sequence");
        w.WriteStartArray("decoders");
        w.WriteStartObject();
        w.WriteString("type", "Replace");
        w.WriteStartObject("pattern");
        w.WriteString("String", "\u2581");
        w.WriteEndObject();
        w.WriteString("content", " ");
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("type", "ByteFallback");
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("type", "Fuse");
        w.WriteEndObject();
        if (model.AddDummyPrefix)
        {
            w.WriteStartObject();
            w.WriteString("type", "Strip");
            w.WriteString("content", " ");
            w.WriteNumber("start", 1);
            w.WriteNumber("stop", 0);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartObject("model");
        w.WriteString("type", "BPE");
        w.WriteNull("dropout");
        w.WriteString("unk_token", unk);
        w.WriteNull("continuing_subword_prefix");
        w.WriteNull("end_of_word_suffix");
        w.WriteBoolean("fuse_unk", true);
        w.WriteBoolean("byte_fallback", model.ByteFallback);
        w.WriteBoolean("ignore_merges", false);
        w.WriteStartObject("vocab");
        var written = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < model.Pieces.Count; i++)
            if (written.Add(model.Pieces[i].Piece)) w.WriteNumber(model.Pieces[i].Piece, i);
        w.WriteEndObject();
        // Pieces never contain ' ' (spaces are "▁"), so the widely readable "a b" form is unambiguous.
        w.WriteStartArray("merges");
        foreach (var (l, r) in Merges(model))
        {
            if (l.Contains(' ') || r.Contains(' ')) { w.WriteStartArray(); w.WriteStringValue(l); w.WriteStringValue(r); w.WriteEndArray(); }
            else w.WriteStringValue($"{l} {r}");
        }
        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteEndObject();
    }

    private static void WriteSpecial(Utf8JsonWriter w, string id, int typeId)
    {
        w.WriteStartObject();
        w.WriteStartObject("SpecialToken");
        w.WriteString("id", id);
        w.WriteNumber("type_id", typeId);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteSequence(Utf8JsonWriter w, string id, int typeId)
    {
        w.WriteStartObject();
        w.WriteStartObject("Sequence");
        w.WriteString("id", id);
        w.WriteNumber("type_id", typeId);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteTokenizerConfig(SentencePieceModel model, Stream stream, int? modelMaxLength)
    {
        using var w = new Utf8JsonWriter(stream, WriterOptions);
        string? Piece(int id) => id >= 0 && id < model.Pieces.Count ? model.Pieces[id].Piece : null;
        w.WriteStartObject();
        w.WriteBoolean("add_bos_token", model.BosId >= 0);
        w.WriteBoolean("add_eos_token", false);
        if (Piece(model.BosId) is { } bos) w.WriteString("bos_token", bos);
        if (Piece(model.EosId) is { } eos) w.WriteString("eos_token", eos);
        w.WriteString("unk_token", model.Pieces[model.UnkId].Piece);
        if (Piece(model.PadId) is { } pad) w.WriteString("pad_token", pad);
        else w.WriteNull("pad_token");
        w.WriteBoolean("clean_up_tokenization_spaces", false);
        w.WriteBoolean("legacy", false);
        if (modelMaxLength is int max) w.WriteNumber("model_max_length", max);
        w.WriteString("tokenizer_class", "LlamaTokenizerFast");
        w.WriteEndObject();
    }
}
