namespace Loader.Config;

/// <summary>
/// The parts of a Hugging Face <c>config.json</c> a Llama-family decoder needs, with each architecture's
/// transformers defaults applied (see <see cref="Load"/>). Immutable.
/// </summary>
public sealed record HfModelConfig
{
    /// <summary><c>architectures[0]</c>, e.g. <c>LlamaForCausalLM</c>.</summary>
    public required string Architecture { get; init; }

    /// <summary><c>model_type</c>: llama, mistral, qwen2 or qwen3.</summary>
    public required string ModelType { get; init; }

    public required int HiddenSize { get; init; }

    public required int IntermediateSize { get; init; }

    public required int NumHiddenLayers { get; init; }

    public required int NumAttentionHeads { get; init; }

    /// <summary>KV heads (GQA); equals <see cref="NumAttentionHeads"/> when the file omits it.</summary>
    public required int NumKeyValueHeads { get; init; }

    /// <summary><c>head_dim</c>; absent means hidden_size / heads (Qwen3: 128).</summary>
    public required int HeadDim { get; init; }

    public required int VocabSize { get; init; }

    public required int MaxPositionEmbeddings { get; init; }

    public required double RmsNormEps { get; init; }

    public required double RopeTheta { get; init; }

    /// <summary>Null for plain RoPE (absent, null, or <c>rope_type: "default"</c>).</summary>
    public RopeScaling? RopeScaling { get; init; }

    public required bool TieWordEmbeddings { get; init; }

    /// <summary>Bias on the q, k and v projections (always for Qwen2; <c>attention_bias</c> for Llama and Qwen3).</summary>
    public required bool QkvBias { get; init; }

    /// <summary>Bias on the o projection (<c>attention_bias</c> for Llama and Qwen3; never for Qwen2 and Mistral).</summary>
    public required bool OutputBias { get; init; }

    /// <summary>Bias on the MLP projections (Llama's <c>mlp_bias</c>).</summary>
    public required bool MlpBias { get; init; }

    /// <summary>RMSNorm over each head of q and k before RoPE (Qwen3).</summary>
    public required bool QkNorm { get; init; }

    /// <summary>
    /// The attention window in effect, or null for full attention: Mistral's <c>sliding_window</c>; Qwen's only
    /// when <c>use_sliding_window</c> is true (then it applies from layer <see cref="MaxWindowLayers"/> on).
    /// </summary>
    public int? SlidingWindow { get; init; }

    /// <summary>Qwen's <c>max_window_layers</c>: layers below it use full attention even with a window.</summary>
    public int? MaxWindowLayers { get; init; }

    public int? BosTokenId { get; init; }

    /// <summary><c>eos_token_id</c> as a list (the file may hold an int, a list or nothing).</summary>
    public required IReadOnlyList<int> EosTokenIds { get; init; }

    /// <summary><c>torch_dtype</c> or the newer <c>dtype</c>, as written (e.g. <c>bfloat16</c>); null when absent.</summary>
    public string? TorchDtype { get; init; }

    /// <summary>Always <c>silu</c> (the only activation these architectures use here).</summary>
    public required string HiddenAct { get; init; }

    /// <summary>
    /// Reads <c>config.json</c> from a directory, or the given file. Throws <see cref="ModelConfigException"/>
    /// for malformed JSON, missing sizes, wrongly typed fields, inconsistent head counts, and any
    /// architecture, model_type, hidden_act or rope type outside the supported set (listed in the message).
    /// Unknown fields are ignored.
    /// </summary>
    public static HfModelConfig Load(string directoryOrFile)
    {
        var path = Directory.Exists(directoryOrFile) ? Path.Combine(directoryOrFile, "config.json") : directoryOrFile;
        if (!File.Exists(path))
        {
            throw new ModelConfigException(path, null, "config.json not found");
        }
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses config.json text; <paramref name="source"/> names it in errors.</summary>
    public static HfModelConfig Parse(string json, string source = "config.json") => HfModelConfigParser.Parse(json, source);
}
