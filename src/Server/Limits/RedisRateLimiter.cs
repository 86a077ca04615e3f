using Server.Errors;
using Server.Keys;
using Server.Stores;
using StackExchange.Redis;

namespace Server.Limits;

/// <summary>
/// Limits shared by every replica through Redis: one atomic script per admission (<see cref="RedisLimitScripts"/>),
/// parallel slots as leases the <see cref="LeaseRenewer"/> keeps alive. Keys carry the account in a hash tag
/// (<c>engine:{key-7}:…</c>) so one account's counters share a Redis Cluster slot, as a multi-key script needs.
/// Redis unreachable: admissions fail with 503 at once (no backlog), and the client reconnects by itself.
/// </summary>
public sealed class RedisRateLimiter : IAccountLimiter, IStoreProbe, IAsyncDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly LeaseRenewer _renewer;

    private RedisRateLimiter(ConnectionMultiplexer redis, string where, TimeSpan slotLease)
    {
        _redis = redis;
        Description = $"Redis limit store at {where}";
        _renewer = new LeaseRenewer(slotLease, RenewAsync);
    }

    public string Description { get; }

    /// <summary>
    /// Connects to <paramref name="spec"/>: <c>redis://[:password@]host[:port]</c> or a StackExchange.Redis configuration
    /// (<c>host:port,password=…</c>). Starts even when Redis is down (admissions get 503 until it is up).
    /// </summary>
    /// <exception cref="FormatException">The spec is malformed.</exception>
    public static async Task<RedisRateLimiter> ConnectAsync(string spec, TimeSpan slotLease)
    {
        var options = RedisConnection.Parse(spec);
        var redis = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        return new RedisRateLimiter(redis, string.Join(",", options.EndPoints.Select(RedisConnection.Describe)), slotLease);
    }

    public async ValueTask<LimitLease> AcquireAsync(CallerIdentity? caller, string model, CancellationToken cancellationToken)
    {
        if (caller is null || caller.Limits == AccountLimits.Unlimited) return LimitLease.Unlimited;
        var limits = caller.Limits;
        var lease = new SlotLease(Guid.NewGuid(), caller.AccountId, model);
        RedisResult[] counts;
        try
        {
            var result = await _redis.GetDatabase().ScriptEvaluateAsync(RedisLimitScripts.Acquire,
                [SlotsKey(lease), Key(caller.AccountId, "rpm"), Key(caller.AccountId, "quota:" + model)],
                [
                    limits.Parallel ?? -1, limits.RequestsPerMinute ?? -1, limits.Quota?.Requests ?? -1,
                    (long)(limits.Quota?.Period.TotalMilliseconds ?? 0), (long)_renewer.Ttl.TotalMilliseconds, lease.Id.ToString("N"),
                ]).ConfigureAwait(false);
            counts = (RedisResult[])result!;
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            throw new StoreUnavailableException(Description, e.Message);
        }
        var decision = LimitDecision.Decide(limits, Int(counts[1]), Int(counts[2]), Ms(counts[3]), Int(counts[4]), Ms(counts[5]));
        if ((long)counts[0] == 0 != (decision.Rejection is null))
            throw new InvalidOperationException($"The Redis limit script and LimitDecision disagree (script: {(long)counts[0]}).");
        if (decision.Rejection is not null || limits.Parallel is null)
            return LimitVerdict.Apply(limits, model, decision, null);
        _renewer.Track(lease);
        return LimitVerdict.Apply(limits, model, decision, () => ReleaseAsync(lease));
    }

    private async ValueTask ReleaseAsync(SlotLease lease)
    {
        _renewer.Forget(lease.Id);
        try
        {
            await _redis.GetDatabase().SortedSetRemoveAsync(SlotsKey(lease), lease.Id.ToString("N")).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            // Not renewed any more: the slot lapses within one lease.
        }
    }

    private async Task RenewAsync(IReadOnlyCollection<SlotLease> leases, CancellationToken cancellationToken)
    {
        var db = _redis.GetDatabase();
        var ttl = (long)_renewer.Ttl.TotalMilliseconds;
        await Task.WhenAll(leases.Select(l => db.ScriptEvaluateAsync(RedisLimitScripts.Renew, [SlotsKey(l)], [ttl, l.Id.ToString("N")])))
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _redis.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException or OperationCanceledException or TimeoutException)
        {
            return e.Message;
        }
    }

    private static RedisKey SlotsKey(SlotLease lease) => Key(lease.Account, "slots:" + lease.Model);

    private static RedisKey Key(string account, string what) => $"engine:{{{account}}}:{what}";

    private static int Int(RedisResult r) => (int)(long)r;

    private static TimeSpan Ms(RedisResult r) => TimeSpan.FromMilliseconds((long)r);

    public async ValueTask DisposeAsync()
    {
        await _renewer.DisposeAsync().ConfigureAwait(false);
        await _redis.DisposeAsync().ConfigureAwait(false);
    }
}
