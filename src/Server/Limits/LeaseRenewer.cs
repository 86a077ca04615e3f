using System.Collections.Concurrent;

namespace Server.Limits;

/// <summary>
/// Keeps the parallel slots this replica holds in a shared store alive. A slot is a lease that expires
/// <see cref="Ttl"/> after its last renewal; this renews every live one each third of that, so a slot lasts as long as
/// its request here, and a replica that dies (no renewals) frees all its slots within one <see cref="Ttl"/>.
/// </summary>
internal sealed class LeaseRenewer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, SlotLease> _live = new();
    private readonly Func<IReadOnlyCollection<SlotLease>, CancellationToken, Task> _renew;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="renew">Extends the given leases by <see cref="Ttl"/>; a failure is retried at the next tick.</param>
    public LeaseRenewer(TimeSpan ttl, Func<IReadOnlyCollection<SlotLease>, CancellationToken, Task> renew)
    {
        if (ttl <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "A slot lease must last a positive time.");
        Ttl = ttl;
        _renew = renew;
        _loop = Task.Run(LoopAsync);
    }

    public TimeSpan Ttl { get; }

    public void Track(SlotLease lease) => _live[lease.Id] = lease;

    public void Forget(Guid id) => _live.TryRemove(id, out _);

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Ttl / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                if (_live.IsEmpty) continue;
                try
                {
                    await _renew(_live.Values.ToArray(), _stop.Token).ConfigureAwait(false);
                }
                catch (Exception) when (!_stop.IsCancellationRequested)
                {
                    // The store is down: the next tick retries (and puts back a slot that lapsed meanwhile); the
                    // requests themselves go on.
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
