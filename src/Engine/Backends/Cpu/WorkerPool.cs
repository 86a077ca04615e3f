using System.Diagnostics;

namespace Engine.Backends.Cpu;

/// <summary>
/// A fixed set of worker threads that run one <see cref="IParallelJob"/> at a time together with the calling
/// thread. The chunks are cut into one contiguous region per thread; a thread claims the chunks of its own region
/// in order (an interlocked counter per region, on its own cache line), then steals from the other regions the
/// same way. Each thread thus streams one contiguous range of a weight matrix (one shared counter dealt chunks
/// alternately, so every chunk restarted the hardware prefetcher on a new stream and cost a contended cache line:
/// decode GEMVs ran ~10 % slower), while a thread slowed by a noisy neighbour still takes fewer chunks, and the
/// caller waits only for workers that actually joined the job: a worker the OS has not scheduled yet finds the
/// job closed and skips it, its region drained by the others (on an oversubscribed machine a full barrier would
/// stall every job).
/// Between jobs a worker spins on the job generation for a short while (a decode step launches ~100 jobs, and
/// a futex wake per job would cost more than the job), then parks on an event that blocks at once: the pool
/// already spun, and SemaphoreSlim.Wait's own spinning cost 14–23% of the CPU of a server idling between
/// requests. Nothing is allocated per job.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 10000; // 100 µs

    // ints per region counter: 64 bytes, so no two counters (nor the array header) share a cache line
    private const int CounterStride = 16;

    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _wake;
    private readonly int[] _sleeping;
    private IParallelJob? _job;
    private int _numChunks;
    private readonly int[] _nextChunk;
    private int _open;
    private int _active;
    private int _generation;
    private volatile bool _disposed;

    public WorkerPool(int threads)
    {
        Threads = Math.Max(1, threads);
        _threads = new Thread[Threads - 1];
        _wake = new ManualResetEventSlim[Threads - 1];
        _sleeping = new int[Threads - 1];
        _nextChunk = new int[(Threads + 1) * CounterStride];
        for (var i = 0; i < _threads.Length; i++)
        {
            _wake[i] = new ManualResetEventSlim(initialState: false, spinCount: 0);
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
        for (var r = 0; r < Threads; r++)
        {
            Volatile.Write(ref _nextChunk[(r + 1) * CounterStride], RegionStart(r, numChunks));
        }
        Interlocked.Exchange(ref _open, 1);
        Interlocked.Increment(ref _generation);
        for (var i = 0; i < _wake.Length; i++)
        {
            // only a parked worker needs a wake-up; a spinning one sees the new generation by itself
            if (Interlocked.Exchange(ref _sleeping[i], 0) == 1)
            {
                _wake[i].Set();
            }
        }
        Drain(job, numChunks, 0);

        // close the job, then wait for the workers that joined it (Dekker pairing with WorkerLoop: both sides
        // use full fences, so either we see a joiner's _active or it sees _open == 0)
        Interlocked.Exchange(ref _open, 0);
        var spin = default(SpinWait);
        while (Volatile.Read(ref _active) != 0)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        _job = null;
    }

    // the thread's own region first, then the others' in turn
    private void Drain(IParallelJob job, int numChunks, int worker)
    {
        for (var q = 0; q < Threads; q++)
        {
            var region = (worker + q) % Threads;
            var end = RegionStart(region + 1, numChunks);
            int chunk;
            while ((chunk = Interlocked.Increment(ref _nextChunk[(region + 1) * CounterStride]) - 1) < end)
            {
                job.Execute(chunk, worker);
            }
        }
    }

    private int RegionStart(int region, int numChunks) => RegionStart(region, numChunks, Threads);

    /// <summary>The first chunk of a thread's region (region = threads: one past the last chunk).</summary>
    internal static int RegionStart(int region, int numChunks, int threads) => (int)((long)region * numChunks / threads);

    private void WorkerLoop(int worker)
    {
        var index = worker - 1;
        var seen = 0;
        while (true)
        {
            WaitForGeneration(index, seen);
            if (_disposed)
            {
                return;
            }
            seen = Volatile.Read(ref _generation);
            Interlocked.Increment(ref _active);
            if (Volatile.Read(ref _open) == 1)
            {
                Drain(_job!, _numChunks, worker);
            }
            Interlocked.Decrement(ref _active);
        }
    }

    private void WaitForGeneration(int index, int seen)
    {
        var until = Stopwatch.GetTimestamp() + SpinTicks;
        while (Stopwatch.GetTimestamp() < until)
        {
            if (Volatile.Read(ref _generation) != seen || _disposed)
            {
                return;
            }
            Thread.SpinWait(20);
        }

        // park: announce, then re-check so a job published in between is not missed
        Volatile.Write(ref _sleeping[index], 1);
        if (Volatile.Read(ref _generation) != seen || _disposed)
        {
            if (Interlocked.Exchange(ref _sleeping[index], 0) == 1)
            {
                return;             // nobody saw us parked: no wake-up is coming
            }
        }
        _wake[index].Wait();        // a wake-up was (or will be) set for us
        // one Set per park (whoever clears _sleeping sets), and the next park announces itself only after this
        // reset, so no wake-up is lost
        _wake[index].Reset();
    }

    public void Dispose()
    {
        _disposed = true;
        for (var i = 0; i < _wake.Length; i++)
        {
            if (Interlocked.Exchange(ref _sleeping[i], 0) == 1)
            {
                _wake[i].Set();
            }
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
