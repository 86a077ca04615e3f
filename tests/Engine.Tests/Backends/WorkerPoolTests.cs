using Engine.Backends.Cpu;

namespace Engine.Tests.Backends;

/// <summary>
/// The pool's workers spin briefly between jobs and then park; a lost wake-up would hang a job (the caller waits
/// only for joined workers, so it shows as chunks run by fewer threads, or a hang) and a double wake-up would let a
/// worker run a stale generation. Jobs separated by pauses longer than the spin window force every park/wake path.
/// </summary>
public sealed class WorkerPoolTests
{
    private sealed class CountingJob(int chunks) : IParallelJob
    {
        public readonly int[] Runs = new int[chunks];

        public void Execute(int chunk, int worker) => Interlocked.Increment(ref Runs[chunk]);
    }

    [Fact]
    public void EveryChunkRunsExactlyOnce_AcrossJobsSeparatedByParkingPauses()
    {
        using var pool = new WorkerPool(3);
        var random = new Random(5);
        for (var job = 0; job < 300; job++)
        {
            var counting = new CountingJob(random.Next(1, 64));
            pool.Run(counting, counting.Runs.Length);
            Assert.All(counting.Runs, runs => Assert.Equal(1, runs));
            if (job % 3 == 0)
            {
                Thread.Sleep(random.Next(0, 3)); // past the 100 µs spin: workers park and must be woken
            }
        }
    }

    private sealed class RecordingJob(int chunks, int threads) : IParallelJob
    {
        public readonly int[] Runs = new int[chunks];
        public readonly List<int>[] ByWorker = [.. Enumerable.Range(0, threads).Select(_ => new List<int>())];

        public void Execute(int chunk, int worker)
        {
            Interlocked.Increment(ref Runs[chunk]);
            ByWorker[worker].Add(chunk);     // only this worker writes its list
        }
    }

    // Each thread streams its own contiguous region in order, then steals from the next regions, also in order:
    // per thread, the chunks it ran visit the regions w, w + 1, … cyclically, each once, ascending inside each.
    [Fact]
    public void EachThreadRunsItsOwnRegionInOrderThenStealsTheNextRegionsInOrder()
    {
        const int threads = 3;
        using var pool = new WorkerPool(threads);
        var random = new Random(11);
        for (var job = 0; job < 200; job++)
        {
            var chunks = random.Next(1, 200);
            var recording = new RecordingJob(chunks, threads);
            pool.Run(recording, chunks);
            Assert.All(recording.Runs, runs => Assert.Equal(1, runs));
            for (var w = 0; w < threads; w++)
            {
                var ran = recording.ByWorker[w];
                var regionOf = (int c) => Enumerable.Range(0, threads).Last(r => WorkerPool.RegionStart(r, chunks, threads) <= c);
                var step = 0;   // regions visited so far, counted from w
                for (var i = 0; i < ran.Count; i++)
                {
                    var visit = (regionOf(ran[i]) - w + threads) % threads;
                    Assert.True(visit >= step, $"job {job}: worker {w} went back to region {regionOf(ran[i])} (chunk {ran[i]})");
                    if (visit == step && i > 0)
                    {
                        Assert.True(ran[i] > ran[i - 1], $"job {job}: worker {w} ran chunk {ran[i]} after {ran[i - 1]}");
                    }
                    step = visit;
                }
            }
        }
        Assert.Equal([0, 3, 6, 10], Enumerable.Range(0, threads + 1).Select(r => WorkerPool.RegionStart(r, 10, threads)));
    }

    [Fact]
    public async Task Dispose_ReturnsWhileWorkersAreParked()
    {
        var pool = new WorkerPool(4);
        var counting = new CountingJob(8);
        pool.Run(counting, 8);
        Thread.Sleep(20); // every worker parks

        // WaitAsync throws TimeoutException when a parked worker is never woken by Dispose
        await Task.Run(pool.Dispose).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
