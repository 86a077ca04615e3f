using Engine.Lora;
using Engine.Model;

namespace Engine.Generation;

/// <summary>How an <see cref="LlmEngine"/> is sized.</summary>
public sealed record EngineOptions
{
    /// <summary>Where the forward pass runs (default <see cref="EngineDevice.Cpu"/>; the command line defaults to auto).</summary>
    public EngineDevice Device { get; init; } = EngineDevice.Cpu;

    /// <summary>
    /// Fraction of the GPU's memory this engine may fill (weights, workspace and KV cache), vLLM's
    /// <c>--gpu-memory-utilization</c>: the KV cache gets what is left of it after the weights. Only on a CUDA device
    /// and when <see cref="KvCacheTokens"/> is null.
    /// </summary>
    public double GpuMemoryUtilization { get; init; } = 0.9;

    /// <summary>Element type of the KV cache on the CUDA backend (F32, BF16 or F16); null: the checkpoint's dtype (vLLM's "auto"). The CPU backend's is F32.</summary>
    public DType? KvCacheDType { get; init; }

    /// <summary>
    /// Sample on the backend when it can (the CUDA backend, and the check device): each step sends back token ids and
    /// the logprobs asked for, not the logits. False samples every step on the host (<c>--sampling-device cpu</c>).
    /// </summary>
    public bool DeviceSampling { get; init; } = true;

    /// <summary>
    /// TEST SEAM: makes the device sampler in place of the backend's (backend, slots, vocab, history capacity), e.g.
    /// the CUDA chain on the check device beside the fast CPU backend's forward; null: the backend's own, if any.
    /// </summary>
    internal Func<Backends.IBackend, int, int, int, Backends.IDeviceSampler>? DeviceSamplerFactory { get; init; }

    /// <summary>Where start-up reports go (weight upload progress, the KV-cache size); null for none.</summary>
    public TextWriter? StartupLog { get; init; }

    /// <summary>
    /// CPU threads for the kernels, and for sampling a step's sequences in parallel once the forward is done (each
    /// thread keeps one sampler workspace, 28 bytes × vocabulary); 0 means every core.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>Tokens per KV-cache block.</summary>
    public int BlockSize { get; init; } = 16;

    /// <summary>
    /// KV-cache capacity in tokens; null means room for MaxNumSeqs full contexts within <see cref="KvCacheBytes"/>.
    /// Never less than one full context, so a lone request always makes progress.
    /// </summary>
    public int? KvCacheTokens { get; init; }

    /// <summary>Memory budget of the KV cache when <see cref="KvCacheTokens"/> is null (default 1 GiB).</summary>
    public long KvCacheBytes { get; init; } = 1L << 30;

    /// <summary>Token budget of one step (prompt chunks longer than this are split).</summary>
    public int MaxNumBatchedTokens { get; init; } = 512;

    /// <summary>Most sequences running at once.</summary>
    public int MaxNumSeqs { get; init; } = 8;

    /// <summary>
    /// Bound in bytes of the host logits buffer when <c>prompt_logprobs</c> asks for every row of a prompt chunk: rows
    /// are computed in windows this wide (at least MaxNumSeqs rows), each window reading the classifier once.
    /// </summary>
    public int PromptLogitsWindowBytes { get; init; } = 32 << 20;

    /// <summary>
    /// LoRA adapters requests may select by name (<see cref="EngineRequest.Lora"/>), opened and checked against the
    /// model when the engine is built; ids follow this order.
    /// </summary>
    public IReadOnlyList<LoraAdapterSpec> LoraAdapters { get; init; } = [];

    /// <summary>
    /// Whether a step whose sequences all run one adapter × multiplier may run merged weights (one merged copy of
    /// the adapted projections is kept); false runs every adapted step unmerged.
    /// </summary>
    public bool AllowMergedLora { get; init; } = true;

    /// <summary>
    /// Consecutive steps a batch must run one adapter × multiplier before that pair is merged (the pair already
    /// merged is used at once); until then the steps run unmerged. A merge costs a pass over every adapted weight,
    /// about twenty 8-sequence decode steps of a 110M model on two CPU cores, while a merged step there is only
    /// ~5–10% faster than an unmerged one (bench/results/lora.md); hence a default that merges only long single-adapter runs.
    /// </summary>
    public int LoraMergeAfterSteps { get; init; } = 32;

    /// <summary>
    /// Whether merges run on one background thread while the steps go on unmerged, switching to merged at the first
    /// step after the merge finished (true), or on the engine's thread, pausing every request for the merge (false:
    /// merged from the first merged step, independent of timing).
    /// </summary>
    public bool LoraMergeInBackground { get; init; } = true;

    /// <summary>
    /// Whether requests reuse the keys and values of a cached prompt prefix (full KV blocks, keyed by their tokens, the
    /// tokens before them and the LoRA adapter) instead of computing it again; cached blocks stay reusable after their
    /// request finishes until the cache needs the room (least recently freed first). Outputs are unchanged; requests
    /// asking for prompt logprobs always compute the whole prompt.
    /// </summary>
    public bool EnablePrefixCaching { get; init; } = true;
}
