using System.Numerics;
using RelationNeurons.Models;
using RelationNeurons.Randomness;

namespace RelationNeurons.Training;

/// <summary>What a parameter is, for weight decay and initialisation.</summary>
public enum ParameterKind { Embedding, Matrix, Norm }

/// <summary>One trainable tensor under its Hugging Face name, with its gradient buffer.</summary>
public sealed class Parameter<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public string Name { get; }
    public int[] Shape { get; }
    public ParameterKind Kind { get; }
    public T[] Value { get; }
    public T[] Grad { get; }

    public Parameter(string name, ParameterKind kind, params int[] shape)
    {
        Name = name; Kind = kind; Shape = shape;
        int n = 1;
        foreach (int d in shape) n *= d;
        Value = new T[n];
        Grad = new T[n];
    }

    public int Length => Value.Length;
}

/// <summary>The parameters of one decoder block.</summary>
public sealed class LayerParameters<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public required Parameter<T> InputNorm, Q, K, V, O, PostNorm, Gate, Up, Down;
}

/// <summary>
/// All parameters of a Llama model in a fixed order (the order of checkpoints and of every
/// reduction over parameters), named as in Hugging Face checkpoints.
/// </summary>
public sealed class ParameterSet<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public LlamaConfig Config { get; }
    public Parameter<T> Embedding { get; }
    public IReadOnlyList<LayerParameters<T>> Layers { get; }
    public Parameter<T> FinalNorm { get; }
    /// <summary>The output projection; the embedding itself when the config ties them.</summary>
    public Parameter<T> LmHead { get; }
    public IReadOnlyList<Parameter<T>> All { get; }

    public ParameterSet(LlamaConfig config)
    {
        Config = config;
        int d = config.HiddenSize, f = config.IntermediateSize, v = config.VocabSize;
        var all = new List<Parameter<T>>();
        Parameter<T> Add(string name, ParameterKind kind, params int[] shape) { var p = new Parameter<T>(name, kind, shape); all.Add(p); return p; }

        Embedding = Add("model.embed_tokens.weight", ParameterKind.Embedding, v, d);
        var layers = new List<LayerParameters<T>>();
        for (int l = 0; l < config.NumHiddenLayers; l++)
        {
            string pre = $"model.layers.{l}.";
            layers.Add(new LayerParameters<T>
            {
                InputNorm = Add(pre + "input_layernorm.weight", ParameterKind.Norm, d),
                Q = Add(pre + "self_attn.q_proj.weight", ParameterKind.Matrix, config.QueryWidth, d),
                K = Add(pre + "self_attn.k_proj.weight", ParameterKind.Matrix, config.KeyValueWidth, d),
                V = Add(pre + "self_attn.v_proj.weight", ParameterKind.Matrix, config.KeyValueWidth, d),
                O = Add(pre + "self_attn.o_proj.weight", ParameterKind.Matrix, d, config.QueryWidth),
                PostNorm = Add(pre + "post_attention_layernorm.weight", ParameterKind.Norm, d),
                Gate = Add(pre + "mlp.gate_proj.weight", ParameterKind.Matrix, f, d),
                Up = Add(pre + "mlp.up_proj.weight", ParameterKind.Matrix, f, d),
                Down = Add(pre + "mlp.down_proj.weight", ParameterKind.Matrix, d, f),
            });
        }
        Layers = layers;
        FinalNorm = Add("model.norm.weight", ParameterKind.Norm, d);
        LmHead = config.TieWordEmbeddings ? Embedding : Add("lm_head.weight", ParameterKind.Matrix, v, d);
        All = all;
    }

    public long Count => All.Sum(p => (long)p.Length);

    public Parameter<T> this[string name] => All.FirstOrDefault(p => p.Name == name) ?? throw new KeyNotFoundException(name);

    public void ZeroGradients()
    {
        foreach (var p in All) Array.Clear(p.Grad);
    }

    /// <summary>
    /// GPT-2 style initialisation: norms 1, matrices and embeddings N(0, σ²), the projections that
    /// write into the residual stream (o_proj, down_proj) scaled by 1/√(2·layers) so the stream's
    /// variance does not grow with depth.
    /// </summary>
    public void Initialize(SplitMix64 rng, double std = 0.02)
    {
        double residualStd = std / Math.Sqrt(2.0 * Config.NumHiddenLayers);
        foreach (var p in All)
        {
            if (p.Kind == ParameterKind.Norm) { Array.Fill(p.Value, T.One); continue; }
            bool residual = p.Name.EndsWith("o_proj.weight", StringComparison.Ordinal) || p.Name.EndsWith("down_proj.weight", StringComparison.Ordinal);
            double s = residual ? residualStd : std;
            for (int i = 0; i < p.Length; i++) p.Value[i] = T.CreateTruncating(rng.NextGaussian() * s);
        }
    }
}
