using System.Runtime.InteropServices;
using Engine.Sampling;

namespace Engine.Scheduling;

/// <summary>
/// One sequence being generated: its tokens (prompt then output), how many of them are already in the KV cache
/// (<see cref="NumComputedTokens"/>), its limits and its sampler. The scheduler and runner own it on the core thread.
/// </summary>
public sealed class Request
{
    private readonly List<int> _tokens;
    private readonly HashSet<int> _stopTokenIds;

    public Request(RequestId id, IReadOnlyList<int> promptTokenIds, int maxTokens, IEnumerable<int> stopTokenIds, ISequenceSampler sampler)
    {
        if (promptTokenIds.Count == 0)
        {
            throw new ArgumentException("A request needs at least one prompt token.", nameof(promptTokenIds));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokens);
        Id = id;
        NumPromptTokens = promptTokenIds.Count;
        _tokens = new List<int>(promptTokenIds.Count + Math.Min(maxTokens, 4096));
        _tokens.AddRange(promptTokenIds);
        MaxTokens = maxTokens;
        _stopTokenIds = [.. stopTokenIds];
        Sampler = sampler;
    }

    public RequestId Id { get; }

    public int NumPromptTokens { get; }

    public int MaxTokens { get; }

    public ISequenceSampler Sampler { get; }

    public RequestStatus Status { get; internal set; } = RequestStatus.Waiting;

    public FinishReason? FinishReason { get; internal set; }

    /// <summary>Tokens whose keys and values are in the KV cache (reset to 0 on preemption: they are recomputed).</summary>
    public int NumComputedTokens { get; internal set; }

    public int NumTokens => _tokens.Count;

    public int NumOutputTokens => _tokens.Count - NumPromptTokens;

    public ReadOnlySpan<int> AllTokenIds => CollectionsMarshal.AsSpan(_tokens);

    public ReadOnlySpan<int> PromptTokenIds => AllTokenIds[..NumPromptTokens];

    public ReadOnlySpan<int> OutputTokenIds => AllTokenIds[NumPromptTokens..];

    public bool IsStopToken(int tokenId) => _stopTokenIds.Contains(tokenId);

    internal void AppendOutput(int tokenId) => _tokens.Add(tokenId);
}
