using Engine.KvCache;
using Engine.Lora;
using Engine.Sampling;

namespace Engine.Scheduling;

/// <summary>
/// Decides what each step computes and applies what the runner produced (vLLM v1's scheduler). Running requests
/// go first, then waiting ones in arrival order, under a token budget: a request runs min(remaining, budget)
/// tokens, so chunked prefill and decode are one code path. When the KV cache cannot grow a running request,
/// the newest running request is preempted (its blocks freed, recomputed later); new work simply waits.
/// </summary>
public sealed class Scheduler
{
    private readonly KvCacheManager _kv;
    private readonly LinkedList<Request> _waiting = new();
    private readonly List<Request> _running = [];
    private readonly SchedulerOutput _output = new();
    private readonly LoraExecutionPolicy _loraPolicy;
    private int[] _loraIds;
    private float[] _loraMultipliers;

    /// <param name="loraPolicy">Chooses how each step runs LoRA adapters (one policy per scheduler: it keeps state); default: merge on the first uniform step.</param>
    public Scheduler(SchedulerConfig config, KvCacheManager kv, LoraExecutionPolicy? loraPolicy = null)
    {
        if (kv.Pool.NumBlocks * kv.BlockSize < config.MaxModelLen)
        {
            throw new ArgumentException(
                $"The KV cache holds {kv.Pool.NumBlocks * kv.BlockSize} tokens, fewer than one full context ({config.MaxModelLen}).");
        }
        Config = config;
        _kv = kv;
        _loraPolicy = loraPolicy ?? new LoraExecutionPolicy();
        _loraIds = new int[config.MaxNumSeqs];
        _loraMultipliers = new float[config.MaxNumSeqs];
    }

    public SchedulerConfig Config { get; }

    public int NumWaiting => _waiting.Count;

    public int NumRunning => _running.Count;

    public bool HasUnfinishedRequests => _waiting.Count + _running.Count > 0;

    public void Add(Request request)
    {
        request.Status = RequestStatus.Waiting;
        _waiting.AddLast(request);
    }

    /// <summary>Finishes the request with <see cref="FinishReason.Abort"/> and frees its blocks; false if it is not queued or running.</summary>
    public bool Abort(RequestId id)
    {
        // a beam search is named by its root's id, and every live beam of it goes
        var found = false;
        for (var i = _running.Count - 1; i >= 0; i--)
        {
            var request = _running[i];
            if (request.Id == id || request.BeamGroup?.Root?.Id == id)
            {
                _running.RemoveAt(i);
                Finish(request, FinishReason.Abort);
                found = true;
            }
        }
        for (var node = _waiting.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Id == id || node.Value.BeamGroup?.Root?.Id == id)
            {
                _waiting.Remove(node);
                Finish(node.Value, FinishReason.Abort);
                found = true;
            }
            node = next;
        }
        return found;
    }

    public SchedulerOutput Schedule()
    {
        var output = _output;
        output.Clear();
        var budget = Config.MaxNumBatchedTokens;

        // 1. running requests: a decode token, or the next prompt chunk. A beam waiting for its siblings' candidates
        // has nothing to compute (n = 0) and takes no seat; forked beams can outnumber the seats for a step, and wait.
        var busy = 0;
        for (var i = 0; i < _running.Count && budget > 0; i++)
        {
            var request = _running[i];
            var n = Math.Min(request.NumTokens - request.NumComputedTokens, budget);
            if (n == 0)
            {
                continue;
            }
            if (++busy > Config.MaxNumSeqs)
            {
                continue;
            }
            var preemptedSelf = false;
            while (!_kv.TryAllocate(request.Id.Value, request.NumComputedTokens, request.NumComputedTokens + n, output.BlockCopyList))
            {
                // out of blocks: preempt the newest running request (possibly this one) and retry
                var victim = _running[^1];
                _running.RemoveAt(_running.Count - 1);
                Preempt(victim);
                output.AddPreempted(victim);
                if (victim == request)
                {
                    preemptedSelf = true;
                    break;
                }
            }
            if (preemptedSelf)
            {
                break;
            }
            output.Add(request, n);
            budget -= n;
        }

        // 2. waiting requests, oldest first, while blocks and the budget last (none after a preemption)
        while (output.Preempted.Count == 0 && budget > 0 && _waiting.First is { } node && busy < Config.MaxNumSeqs)
        {
            var request = node.Value;
            if (!TryAdmit(request, budget, output.BlockCopyList))
            {
                // nothing runs, yet beams waiting for their siblings hold blocks: free the newest, or a preempted
                // sibling could wait for them forever (it keeps its candidates, so the search loses nothing)
                if (output.Scheduled.Count == 0 && PreemptIdleBeam())
                {
                    continue;
                }
                break;
            }
            _waiting.RemoveFirst();
            request.Status = RequestStatus.Running;
            _running.Add(request);
            var n = Math.Min(request.NumTokens - request.NumComputedTokens, budget);
            output.Add(request, n);
            budget -= n;
            busy++;
        }
        output.Lora = DecideLora(output.Scheduled);
        return output;
    }

    // Blocks for a waiting request's next chunk. One starting from nothing first takes the longest cached prefix of
    // its tokens (prompt, plus output when it was preempted) and starts computing after it; a request asking for
    // prompt_logprobs computes every prompt row, so it skips the cache.
    private bool TryAdmit(Request request, int budget, List<BlockCopy> copies)
    {
        if (request.NumComputedTokens == 0 && _kv.EnablePrefixCaching && request.NumPromptLogprobs < 0 && _kv.GetTable(request.Id.Value).Count == 0)
        {
            if (!_kv.TryAllocateWithPrefix(request.Id.Value, request.AllTokenIds, HashExtra(request), budget, out var cached))
            {
                return false;
            }
            request.NumComputedTokens = cached;
            return true;
        }
        var n = Math.Min(request.NumTokens - request.NumComputedTokens, budget);
        return _kv.TryAllocate(request.Id.Value, request.NumComputedTokens, request.NumComputedTokens + n, copies);
    }

    private static BlockHashExtra HashExtra(Request request) => new(request.LoraId, request.LoraMultiplier);

    // The LoRA mode of the step is decided over exactly the sequences it computes (LoraExecutionPolicy.Next): merged
    // while they all share one adapter and multiplier, unmerged as soon as they differ. Merge state therefore
    // follows the running batch step by step: a base or other-adapter request joining switches the next step to
    // unmerged (the base weights, untouched), and its leaving lets a later step merge again (at once for the pair
    // still held, after the policy's MergeAfterSteps uniform steps for a new one).
    private LoraExecution DecideLora(IReadOnlyList<ScheduledRequest> scheduled)
    {
        var count = scheduled.Count;
        if (_loraIds.Length < count)
        {
            _loraIds = new int[count];
            _loraMultipliers = new float[count];
        }
        for (var i = 0; i < count; i++)
        {
            var request = scheduled[i].Request;
            _loraIds[i] = request.LoraId;
            _loraMultipliers[i] = request.LoraMultiplier;
        }
        return _loraPolicy.Next(_loraIds.AsSpan(0, count), _loraMultipliers.AsSpan(0, count));
    }

    /// <summary>
    /// Applies one step's results: advances computed tokens, appends sampled tokens, and finishes requests by their
    /// <see cref="Request.Stop"/> rules (EOS or stop token, kept as the last output token; max tokens; the context)
    /// or when the samplers left no token; finished requests free their blocks and are added to <paramref name="finished"/>.
    /// </summary>
    public void Update(SchedulerOutput scheduled, ModelRunnerOutput result, List<Request> finished)
    {
        var sampled = result.SampledTokenIds;
        var logprobs = result.Logprobs;
        for (var i = 0; i < scheduled.Scheduled.Count; i++)
        {
            var (request, n) = scheduled.Scheduled[i];
            if (request.Status != RequestStatus.Running)
            {
                continue;
            }
            request.NumComputedTokens += n;
            _kv.CacheFullBlocks(request.Id.Value, request.AllTokenIds, request.NumComputedTokens, HashExtra(request));
            var token = sampled[i];
            if (token == ModelRunnerOutput.NotSampled)
            {
                continue;
            }
            if (token == ModelRunnerOutput.Failed)
            {
                Fail(request, result.ErrorOf(i)!, finished);
                continue;
            }
            if (token == ModelRunnerOutput.NoTokenLeft)
            {
                request.Decision = new StopDecision(StopKind.Eos, null, false);
                _running.Remove(request);
                Finish(request, FinishReason.Stop);
                finished.Add(request);
                continue;
            }
            request.AppendOutput(token);
            request.CumulativeLogprob += logprobs[i];
            var decision = request.Stop.Check(token, request.NumOutputTokens, request.NumPromptTokens);
            if (decision.Kind == StopKind.None && request.NumTokens > Config.MaxModelLen)
            {
                // the cache's own limit: the last token (one past the context) is sampled but never fed back
                decision = new StopDecision(StopKind.Length, null, true);
            }
            if (decision.Kind != StopKind.None)
            {
                request.Decision = decision;
                _running.Remove(request);
                Finish(request, decision.Kind == StopKind.Length ? FinishReason.Length : FinishReason.Stop);
                finished.Add(request);
            }
        }
        for (var i = 0; i < scheduled.Scheduled.Count; i++)
        {
            if (scheduled.Scheduled[i].Request.BeamGroup is { IsReady: true } group && group.Root?.Error is null)
            {
                AdvanceBeams(group, finished);
            }
        }
    }

    /// <summary>
    /// Finishes <paramref name="request"/> (for a beam: its whole search, named by the root) with
    /// <see cref="FinishReason.Abort"/> and <see cref="Request.Error"/> set, frees its blocks and adds it to
    /// <paramref name="finished"/>. Used when processing that one request threw; nothing else in the batch changes.
    /// </summary>
    public void Fail(Request request, Exception error, List<Request> finished)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(finished);
        var target = request.BeamGroup?.Root ?? request;
        if (target.Error is not null)
        {
            return; // another beam of the same search already failed it
        }
        target.Error = error as RequestFailedException ?? new RequestFailedException(target.Id, error);
        Abort(target.Id);
        target.Status = RequestStatus.Finished;
        target.FinishReason = FinishReason.Abort;
        finished.Add(target);
    }

    // One beam search step: fork the chosen children from their parents (sharing their KV blocks, so only the
    // partial last block is ever copied), retire the parents, and when the search is over finish its root.
    private void AdvanceBeams(BeamSearchGroup group, List<Request> finished)
    {
        var retired = group.Live.ToArray();
        foreach (var (parent, child) in group.Advance())
        {
            _kv.Fork(parent.Id.Value, child.Id.Value);
            if (parent.Status == RequestStatus.Running)
            {
                child.Status = RequestStatus.Running;
                _running.Add(child);
            }
            else
            {
                // the parent was preempted: the child recomputes from nothing (its table is empty too)
                child.Status = RequestStatus.Waiting;
                _waiting.AddFirst(child);
            }
        }
        foreach (var parent in retired)
        {
            if (!_running.Remove(parent))
            {
                _waiting.Remove(parent);
            }
            Finish(parent, FinishReason.Stop);
        }
        if (group.IsDone)
        {
            finished.Add(group.Root!);
        }
    }

    private bool PreemptIdleBeam()
    {
        for (var i = _running.Count - 1; i >= 0; i--)
        {
            var request = _running[i];
            if (request.BeamGroup is not null && request.NumComputedTokens == request.NumTokens)
            {
                _running.RemoveAt(i);
                _kv.Free(request.Id.Value);
                request.NumComputedTokens = 0;
                request.Status = RequestStatus.Waiting;
                // behind the sibling it makes room for
                _waiting.AddLast(request);
                return true;
            }
        }
        return false;
    }

    private void Preempt(Request request)
    {
        _kv.Free(request.Id.Value);
        request.NumComputedTokens = 0;
        request.Status = RequestStatus.Waiting;
        _waiting.AddFirst(request);
    }

    private void Finish(Request request, FinishReason reason)
    {
        _kv.Free(request.Id.Value);
        request.Status = RequestStatus.Finished;
        request.FinishReason = reason;
    }
}
