using System.Collections.Concurrent;
using System.Threading.Channels;
using Engine.Execution;
using Engine.Generation;
using Engine.KvCache;
using Engine.Scheduling;

namespace Engine;

/// <summary>
/// The step loop, on its own dedicated thread: drain the inbox (new requests, aborts), schedule, run the model,
/// update, and publish each new token to its request's channel. Other threads talk to it only through
/// <see cref="Add"/> and <see cref="Abort"/>.
/// </summary>
public sealed class EngineCore : IDisposable
{
    private readonly Scheduler _scheduler;
    private readonly ModelRunner _runner;
    private readonly KvCacheManager _kv;
    private readonly ConcurrentQueue<(Request? Request, ChannelWriter<GenerationOutput>? Sink, RequestId Abort)> _inbox = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Dictionary<RequestId, ChannelWriter<GenerationOutput>> _sinks = [];
    private readonly List<Request> _finished = [];
    private readonly Thread _thread;
    private volatile bool _stopping;
    private int _numFreeBlocks;
    private int _numUnfinished;
    private int _numRunning;

    public EngineCore(Scheduler scheduler, ModelRunner runner, KvCacheManager kv)
    {
        _scheduler = scheduler;
        _runner = runner;
        _kv = kv;
        _numFreeBlocks = kv.NumFreeBlocks;
        _thread = new Thread(Loop) { IsBackground = true, Name = "engine-core" };
        _thread.Start();
    }

    /// <summary>Free KV blocks after the last step (a snapshot, safe from any thread).</summary>
    public int NumFreeBlocks => Volatile.Read(ref _numFreeBlocks);

    public int NumBlocks => _kv.Pool.NumBlocks;

    /// <summary>Prompt tokens looked up in the prefix cache so far (safe from any thread; 0 with caching off).</summary>
    public long PrefixCacheQueryTokens => _kv.PrefixCacheQueryTokens;

    /// <summary>Of <see cref="PrefixCacheQueryTokens"/>, those whose keys and values were reused instead of computed.</summary>
    public long PrefixCacheHitTokens => _kv.PrefixCacheHitTokens;

    internal ModelRunner Runner => _runner;

    /// <summary>Most sequences one step runs (a beam search needs its width in seats).</summary>
    public int MaxNumSeqs => _scheduler.Config.MaxNumSeqs;

    /// <summary>Requests holding KV blocks after the last step.</summary>
    public int NumRunningRequests => Volatile.Read(ref _numRunning);

    /// <summary>Requests queued or running after the last step.</summary>
    public int NumUnfinishedRequests => Volatile.Read(ref _numUnfinished);

    /// <summary>Queues a request; its tokens go to <paramref name="sink"/>, which is completed when it finishes.</summary>
    public void Add(Request request, ChannelWriter<GenerationOutput> sink)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        _inbox.Enqueue((request, sink, default));
        _signal.Release();
    }

    /// <summary>Aborts a request at the next step (its blocks are freed, its channel completed). Unknown ids are ignored.</summary>
    public void Abort(RequestId id)
    {
        if (_stopping)
        {
            return;
        }
        _inbox.Enqueue((null, null, id));
        _signal.Release();
    }

    private void Loop()
    {
        while (!_stopping)
        {
            DrainInbox();
            if (!_scheduler.HasUnfinishedRequests)
            {
                _signal.Wait();
                continue;
            }
            try
            {
                Step();
            }
            catch (Exception e)
            {
                FailAll(e);
            }
        }
        FailAll(new ObjectDisposedException(nameof(EngineCore)));
    }

    private void Step()
    {
        var scheduled = _scheduler.Schedule();
        if (scheduled.Scheduled.Count == 0)
        {
            // nothing fits right now (cannot happen while one full context fits the cache); wait for news
            _signal.Wait(10);
            return;
        }
        _finished.Clear();
        ModelRunnerOutput result;
        try
        {
            result = _runner.Execute(scheduled);
            _scheduler.Update(scheduled, result, _finished);
        }
#pragma warning disable CA1031 // the forward (or the bookkeeping) of this step failed: its requests end, the engine goes on
        catch (Exception e)
#pragma warning restore CA1031
        {
            FailStep(scheduled, e);
            return;
        }

        var sampled = result.SampledTokenIds;
        var logprobs = result.Logprobs;
        for (var i = 0; i < scheduled.Scheduled.Count; i++)
        {
            var request = scheduled.Scheduled[i].Request;
            if (sampled[i] is not (ModelRunnerOutput.NotSampled or ModelRunnerOutput.Failed) && _sinks.TryGetValue(request.Id, out var sink))
            {
                sink.TryWrite(Output(request, sampled[i], logprobs[i]));
            }
        }
        foreach (var request in _finished)
        {
            if (_sinks.Remove(request.Id, out var sink))
            {
                // a request that failed alone ends its channel with its error; the others simply complete
                sink.TryComplete(request.Error);
            }
        }
        PublishStats();
    }

    // Only the requests this step ran are failed (a failed forward leaves their KV state unknown); the waiting ones and
    // the engine stay. A beam search fails as a whole, through its root.
    private void FailStep(SchedulerOutput scheduled, Exception error)
    {
        // requests Update already finished normally (before it threw) stay in _finished and complete normally
        foreach (var (request, _) in scheduled.Scheduled)
        {
            if (request.Status != RequestStatus.Finished || request.BeamGroup is not null)
            {
                _scheduler.Fail(request, error, _finished);
            }
        }
        foreach (var request in _finished)
        {
            if (_sinks.Remove(request.Id, out var sink))
            {
                sink.TryComplete(request.Error);
            }
        }
        PublishStats();
    }

    private static GenerationOutput Output(Request request, int token, float logprob) =>
        new(token >= 0 ? token : -1, request.FinishReason)
        {
            Logprob = logprob,
            TopLogprobs = request.NumLogprobs > 0 ? request.TopLogprobs.AsSpan(0, request.TopCount).ToArray() : null,
            StopTokenId = request.Decision.StopTokenId,
            KeepTokenText = request.Decision.KeepTokenText,
            PromptLogprobs = request.NumOutputTokens <= 1 ? request.PromptLogprobs : null,
        };

    private void DrainInbox()
    {
        while (_inbox.TryDequeue(out var item))
        {
            if (item.Request is { } request)
            {
                _sinks[request.Id] = item.Sink!;
                _scheduler.Add(request);
            }
            else if (_scheduler.Abort(item.Abort) && _sinks.Remove(item.Abort, out var sink))
            {
                sink.TryComplete();
            }
        }
        PublishStats();
    }

    private void PublishStats()
    {
        Volatile.Write(ref _numFreeBlocks, _kv.NumFreeBlocks);
        Volatile.Write(ref _numUnfinished, _scheduler.NumWaiting + _scheduler.NumRunning);
        Volatile.Write(ref _numRunning, _scheduler.NumRunning);
    }

    private void FailAll(Exception error)
    {
        foreach (var (id, sink) in _sinks)
        {
            _scheduler.Abort(id);
            sink.TryComplete(error);
        }
        _sinks.Clear();
        PublishStats();
    }

    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }
        _stopping = true;
        _signal.Release();
        _thread.Join();
        _signal.Dispose();
    }
}
