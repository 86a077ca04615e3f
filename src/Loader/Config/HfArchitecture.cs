namespace Loader.Config;

/// <summary>
/// A supported Hugging Face decoder architecture and the defaults its transformers config class applies
/// when a field is absent.
/// </summary>
internal sealed record HfArchitecture(
    string Name,
    string ModelType,
    bool QkvBiasAlways,
    bool HasQkNorm,
    int? DefaultHeadDim,
    int DefaultMaxPositionEmbeddings,
    bool SlidingWindowNeedsFlag)
{
    public static readonly IReadOnlyList<HfArchitecture> All =
    [
        // LlamaConfig: attention_bias (q, k, v, o) and mlp_bias default false; head_dim = hidden / heads.
        new("LlamaForCausalLM", "llama", QkvBiasAlways: false, HasQkNorm: false, DefaultHeadDim: null, DefaultMaxPositionEmbeddings: 2048, SlidingWindowNeedsFlag: false),
        // MistralConfig: no biases; sliding_window applies to every layer when set.
        new("MistralForCausalLM", "mistral", QkvBiasAlways: false, HasQkNorm: false, DefaultHeadDim: null, DefaultMaxPositionEmbeddings: 4096 * 32, SlidingWindowNeedsFlag: false),
        // Qwen2Attention hard-codes bias=True on q/k/v and False on o; the window only with use_sliding_window.
        new("Qwen2ForCausalLM", "qwen2", QkvBiasAlways: true, HasQkNorm: false, DefaultHeadDim: null, DefaultMaxPositionEmbeddings: 32768, SlidingWindowNeedsFlag: true),
        // Qwen3Config: head_dim defaults to 128 (not hidden / heads); RMSNorm on q and k per head.
        new("Qwen3ForCausalLM", "qwen3", QkvBiasAlways: false, HasQkNorm: true, DefaultHeadDim: 128, DefaultMaxPositionEmbeddings: 32768, SlidingWindowNeedsFlag: true),
    ];

    public static string SupportedList => string.Join(", ", All.Select(a => $"{a.Name} (model_type '{a.ModelType}')"));
}
