namespace Engine.Backends.Cpu;

/// <summary>
/// A fixed set of worker threads that run one <see cref="IParallelJob"/> at a time together with the calling
/// thread. Chunks are claimed with an interlocked counter (so a thread slowed by a noisy neighbour takes fewer);
/// workers spin briefly between jobs and then sleep on a semaphore. Nothing is allocated per job.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _wake;
    private IParallelJob? _job;
    private int _numChunks;
    private int _nextChunk;
    private int _running;
    private volatile bool _disposed;

    public WorkerPool(int threads)
    {
        Threads = Math.Max(1, threads);
        _threads = new Thread[Threads - 1];
        _wake = new SemaphoreSlim[Threads - 1];
        for (var i = 0; i < _threads.Length; i++)
        {
            _wake[i] = new SemaphoreSlim(0);
            var worker = i + 1;
            _threads[i] = new Thread(() => WorkerLoop(worker)) { IsBackground = true, Name = $"cpu-backend-{worker}" };
            _threads[i].Start();
        }
    }

    /// <summary>Threads that run a job, the caller included.</summary>
    public int Threads { get; }

    /// <summary>Runs chunks 0 .. numChunks − 1 of <paramref name="job"/> and returns when all are done.</summary>
    public void Run(IParallelJob job, int numChunks)
    {
        if (numChunks <= 0)
        {
            return;
        }
        if (_threads.Length == 0 || numChunks == 1)
        {
            for (var c = 0; c < numChunks; c++)
            {
                job.Execute(c, 0);
            }
            return;
        }

        _job = job;
        _numChunks = numChunks;
        Volatile.Write(ref _nextChunk, 0);
        Volatile.Write(ref _running, _threads.Length);
        foreach (var wake in _wake)
        {
            wake.Release();
        }
        Drain(job, numChunks, 0);

        // Barrier: wait until every worker has left the job.
        var spin = default(SpinWait);
        while (Volatile.Read(ref _running) != 0)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        _job = null;
    }

    private void Drain(IParallelJob job, int numChunks, int worker)
    {
        int chunk;
        while ((chunk = Interlocked.Increment(ref _nextChunk) - 1) < numChunks)
        {
            job.Execute(chunk, worker);
        }
    }

    private void WorkerLoop(int worker)
    {
        var wake = _wake[worker - 1];
        while (true)
        {
            wake.Wait();
            if (_disposed)
            {
                return;
            }
            Drain(_job!, _numChunks, worker);
            Interlocked.Decrement(ref _running);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var wake in _wake)
        {
            wake.Release();
        }
        foreach (var thread in _threads)
        {
            thread.Join();
        }
        foreach (var wake in _wake)
        {
            wake.Dispose();
        }
    }
}
