using Engine.KvCache;
using Engine.Lora;

namespace Engine.Scheduling;

/// <summary>
/// What one step computes (vLLM v1's SchedulerOutput): for each scheduled request, the number of tokens it runs,
/// a prompt chunk and a decode token being the same thing. Reused from step to step by the scheduler.
/// </summary>
public sealed class SchedulerOutput
{
    private readonly List<ScheduledRequest> _scheduled = [];
    private readonly List<Request> _preempted = [];
    private readonly List<BlockCopy> _blockCopies = [];

    public IReadOnlyList<ScheduledRequest> Scheduled => _scheduled;

    /// <summary>Requests that lost their KV blocks this step and went back to the waiting queue.</summary>
    public IReadOnlyList<Request> Preempted => _preempted;

    /// <summary>Copy-on-write orders (vLLM's blocks_to_copy), executed in list order before the forward pass.</summary>
    public IReadOnlyList<BlockCopy> BlockCopies => _blockCopies;

    internal List<BlockCopy> BlockCopyList => _blockCopies;

    public int TotalNumScheduledTokens { get; private set; }

    /// <summary>How this step runs LoRA adapters (base, one merged adapter, or unmerged per sequence).</summary>
    public LoraExecution Lora { get; internal set; } = LoraExecution.Base;

    internal void Clear()
    {
        _scheduled.Clear();
        _preempted.Clear();
        _blockCopies.Clear();
        TotalNumScheduledTokens = 0;
        Lora = LoraExecution.Base;
    }

    internal void Add(Request request, int numTokens)
    {
        _scheduled.Add(new ScheduledRequest(request, numTokens));
        TotalNumScheduledTokens += numTokens;
    }

    internal void AddPreempted(Request request) => _preempted.Add(request);
}
