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
