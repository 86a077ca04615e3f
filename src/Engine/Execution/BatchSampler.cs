using System.Runtime.ExceptionServices;
using Engine.Backends.Cpu;
using Engine.Sampling;
using Engine.Scheduling;

namespace Engine.Execution;

/// <summary>
/// Samples one step's sequences, in parallel over sequences when a <see cref="WorkerPool"/> is given and the step
/// has at least <see cref="MinParallelSequences"/> of them. Each worker has its own <see cref="SamplerWorkspace"/>,
/// allocated once; a sequence's token depends only on its logits, its history and (seed, choice, step), so tokens and
/// logprobs are bit-identical whichever thread samples it and in whatever order. Beams record their candidates on
/// the calling thread (a beam search group shares one scratch across its beams). Nothing is allocated per step.
/// </summary>
public sealed class BatchSampler : IParallelJob, IDisposable
{
    /// <summary>Fewer sequences than this are sampled on the calling thread: waking workers would cost more than it saves.</summary>
    public const int MinParallelSequences = 3;

    private readonly WorkerPool? _pool;
    private readonly bool _ownsPool;
    private readonly SamplerWorkspace[] _workspaces;
    private readonly int _vocab;
    private int[] _work = [];
    // the step being sampled, read by the workers (published by the pool's interlocked job hand-off)
    private IReadOnlyList<ScheduledRequest>? _scheduled;
    private int[] _logitRowOf = [];
    private int _firstRow;
    private float[] _logits = [];
    private ModelRunnerOutput? _output;
    private ExceptionDispatchInfo? _error;

    /// <summary>A sampler on <paramref name="threads"/> threads of its own (the caller's included); 1 samples on the caller only.</summary>
    public BatchSampler(int vocabSize, int threads)
        : this(vocabSize, threads > 1 ? new WorkerPool(threads) : null)
    {
        _ownsPool = _pool is not null;
    }

    // Shares a pool that is idle while sampling runs (the CPU backend's, between forwards); null samples on the caller.
    internal BatchSampler(int vocabSize, WorkerPool? pool)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        _vocab = vocabSize;
        _pool = pool;
        _workspaces = new SamplerWorkspace[pool?.Threads ?? 1];
        for (var i = 0; i < _workspaces.Length; i++)
        {
            _workspaces[i] = new SamplerWorkspace(vocabSize);
        }
    }

    /// <summary>Threads that sample, the caller included.</summary>
    public int Threads => _workspaces.Length;

    /// <summary>
    /// Samples every request i of <paramref name="scheduled"/> whose logit row <c>logitRowOf[i]</c> lies in
    /// [<paramref name="firstRow"/>, firstRow + <paramref name="numRows"/>), reading that row at
    /// <c>logits[(row − firstRow) · vocab ..]</c> (the sampler may overwrite it), and sets entry i of
    /// <paramref name="output"/> (token and logprob, <see cref="ModelRunnerOutput.NoTokenLeft"/> when every token was
    /// removed) and the request's top logprobs. A beam only records its candidates with its group.
    /// </summary>
    public void Sample(IReadOnlyList<ScheduledRequest> scheduled, int[] logitRowOf, int firstRow, int numRows, float[] logits,
        ModelRunnerOutput output)
    {
        ArgumentNullException.ThrowIfNull(scheduled);
        ArgumentNullException.ThrowIfNull(logitRowOf);
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(output);
        if (_work.Length < scheduled.Count)
        {
            _work = new int[scheduled.Count];
        }
        var count = 0;
        for (var i = 0; i < scheduled.Count; i++)
        {
            var row = logitRowOf[i] - firstRow;
            if (logitRowOf[i] < 0 || (uint)row >= (uint)numRows)
            {
                continue;
            }
            var request = scheduled[i].Request;
            if (request.BeamGroup is { } beams)
            {
                // a beam's next token is chosen by its group over all beams, so here it only records candidates
                try
                {
                    beams.SetCandidates(request, logits.AsSpan(row * _vocab, _vocab));
                }
#pragma warning disable CA1031 // one request's failure is recorded for it alone; the batch goes on
                catch (Exception e)
#pragma warning restore CA1031
                {
                    output.Fail(i, e);
                }
                continue;
            }
            _work[count++] = i;
        }

        _scheduled = scheduled;
        _logitRowOf = logitRowOf;
        _firstRow = firstRow;
        _logits = logits;
        _output = output;
        if (_pool is null || count < MinParallelSequences)
        {
            for (var k = 0; k < count; k++)
            {
                SampleOne(k, 0);
            }
        }
        else
        {
            _pool.Run(this, count);
        }
        _scheduled = null;
        _logits = [];
        _output = null;
        if (_error is { } error)
        {
            _error = null;
            error.Throw();
        }
    }

    void IParallelJob.Execute(int chunk, int worker)
    {
        try
        {
            SampleOne(chunk, worker);
        }
#pragma warning disable CA1031 // a worker thread must not die: the first failure is rethrown on the calling thread
        catch (Exception e)
#pragma warning restore CA1031
        {
            Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
        }
    }

    // The seed, choice and step fix the draw, so the workspace (the worker's own) does not change the result. A throw
    // (a sampler or guided step meeting a value validation let through) fails this sequence only: its entry is marked
    // Failed and the scheduler finishes it with the error, while every other sequence of the step keeps its token.
    private void SampleOne(int k, int worker)
    {
        var i = _work[k];
        try
        {
            var request = _scheduled![i].Request;
            var logits = _logits.AsSpan((_logitRowOf[i] - _firstRow) * _vocab, _vocab);
            var sample = request.Sampler.SampleWithLogprobs(logits, request.PromptTokenIds, request.OutputTokenIds, request.TopLogprobs,
                _workspaces[worker]);
            request.TopCount = sample.TopCount;
            _output!.Set(i, sample.TokenId == SequenceSampler.NoToken ? ModelRunnerOutput.NoTokenLeft : sample.TokenId, sample.Logprob);
        }
#pragma warning disable CA1031 // see above: recorded for the one sequence, never rethrown into the step
        catch (Exception e)
#pragma warning restore CA1031
        {
            _output!.Fail(i, e);
        }
    }

    public void Dispose()
    {
        if (_ownsPool)
        {
            _pool!.Dispose();
        }
    }
}
