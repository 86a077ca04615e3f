using System.Runtime.InteropServices;
using Engine.Output;
using Engine.Sampling;

namespace Engine.Scheduling;

/// <summary>
/// One sequence being generated: its tokens (prompt then output), how many of them are already in the KV cache
/// (<see cref="NumComputedTokens"/>), its sampler and its token-level stop rules. The scheduler and runner own it
/// on the core thread.
/// </summary>
public sealed class Request
{
    private readonly List<int> _tokens;

    /// <param name="numLogprobs">Top alternatives to report per sampled token; −1 reports none.</param>
    public Request(RequestId id, IReadOnlyList<int> promptTokenIds, SequenceSampler sampler, StopConditions stop, int numLogprobs = -1)
    {
        ArgumentNullException.ThrowIfNull(promptTokenIds);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(stop);
        if (promptTokenIds.Count == 0)
        {
            throw new ArgumentException("A request needs at least one prompt token.", nameof(promptTokenIds));
        }
        Id = id;
        NumPromptTokens = promptTokenIds.Count;
        _tokens = new List<int>(promptTokenIds.Count + 256);
        _tokens.AddRange(promptTokenIds);
        Sampler = sampler;
        Stop = stop;
        NumLogprobs = numLogprobs;
        TopLogprobs = numLogprobs > 0 ? new TokenLogprob[numLogprobs] : [];
    }

    // A beam forked from parent: the parent's tokens plus tokenId, and as many of them cached as the parent has
    // (the child shares the parent's KV blocks, see KvCacheManager.Fork).
    private Request(RequestId id, Request parent, int tokenId)
    {
        Id = id;
        NumPromptTokens = parent.NumPromptTokens;
        _tokens = new List<int>(parent._tokens.Count + 64);
        _tokens.AddRange(parent._tokens);
        _tokens.Add(tokenId);
        Sampler = parent.Sampler;
        Stop = parent.Stop;
        NumLogprobs = parent.NumLogprobs;
        TopLogprobs = parent.TopLogprobs;
        BeamGroup = parent.BeamGroup;
        NumComputedTokens = parent.NumComputedTokens;
        LoraId = parent.LoraId;
        LoraMultiplier = parent.LoraMultiplier;
    }

    public RequestId Id { get; }

    /// <summary>Alternatives per prompt token for <c>prompt_logprobs</c> (−1: none asked).</summary>
    public int NumPromptLogprobs { get; init; } = -1;

    /// <summary>
    /// One entry per prompt token once the prompt is computed (null at position 0: nothing precedes it); null when
    /// <see cref="NumPromptLogprobs"/> is −1.
    /// </summary>
    public PromptLogprob?[]? PromptLogprobs { get; internal set; }

    /// <summary>The beam search this sequence is a beam of (its tokens are chosen by the group, not sampled), else null.</summary>
    public BeamSearchGroup? BeamGroup { get; init; }

    public int NumPromptTokens { get; }

    /// <summary>The LoRA adapter this sequence runs (an id of <c>Lora.LoraAdapterSet</c>), or −1 for the base model.</summary>
    public int LoraId { get; init; } = -1;

    /// <summary>Scales the adapter's delta (<c>W + multiplier · scale · B·A</c>); 0 is the base model exactly.</summary>
    public float LoraMultiplier { get; init; } = 1;

    public SequenceSampler Sampler { get; }

    /// <summary>EOS, stop tokens, min_tokens, max_tokens and the context limit (samplers.md §9).</summary>
    public StopConditions Stop { get; }

    /// <summary>Top alternatives reported per token (−1: no logprobs, 0: only the sampled token's).</summary>
    public int NumLogprobs { get; }

    /// <summary>The last sampled token's best alternatives (the first <see cref="TopCount"/> entries are valid).</summary>
    public TokenLogprob[] TopLogprobs { get; }

    public int TopCount { get; internal set; }

    /// <summary>Sum of the sampled tokens' final-distribution log-probabilities (best_of ranks by it, §8.4).</summary>
    public double CumulativeLogprob { get; internal set; }

    public RequestStatus Status { get; internal set; } = RequestStatus.Waiting;

    public FinishReason? FinishReason { get; internal set; }

    /// <summary>Why the request failed on the engine thread (it finished with <see cref="Scheduling.FinishReason.Abort"/>), else null.</summary>
    public RequestFailedException? Error { get; internal set; }

    /// <summary>How the request finished at token level (stop token id, whether the last token's text is kept).</summary>
    public StopDecision Decision { get; internal set; } = StopDecision.Continue;

    /// <summary>Tokens whose keys and values are in the KV cache (reset to 0 on preemption: they are recomputed).</summary>
    public int NumComputedTokens { get; internal set; }

    public int NumTokens => _tokens.Count;

    public int NumOutputTokens => _tokens.Count - NumPromptTokens;

    public ReadOnlySpan<int> AllTokenIds => CollectionsMarshal.AsSpan(_tokens);

    public ReadOnlySpan<int> PromptTokenIds => AllTokenIds[..NumPromptTokens];

    public ReadOnlySpan<int> OutputTokenIds => AllTokenIds[NumPromptTokens..];

    internal void AppendOutput(int tokenId) => _tokens.Add(tokenId);

    /// <summary>The device sampler's slot holding this sequence's history (−1: none yet, or sampled on the host).</summary>
    internal int DeviceSlot { get; set; } = -1;

    /// <summary>The device cannot sample this sequence (or it got no slot before its first token): the host does, for good.</summary>
    internal bool SampledOnHost { get; set; }

    internal Request Fork(RequestId childId, int tokenId) => new(childId, this, tokenId);
}
