using Npgsql;
using NpgsqlTypes;
using Server.Errors;
using Server.Keys;
using Server.Stores;

namespace Server.Limits;

/// <summary>
/// Limits shared through PostgreSQL alone (no Redis): as exact as <see cref="RedisRateLimiter"/>, at a few round trips
/// per admission. An account's check-and-increment runs in one transaction under a transaction-scoped advisory lock
/// on the account, so admissions of one account are serial across replicas while other accounts proceed; time is the
/// database server's <c>clock_timestamp()</c>. Slots are rows with an expiry the <see cref="LeaseRenewer"/> extends.
/// </summary>
public sealed class PostgresRateLimiter : IAccountLimiter, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _description;
    private readonly LeaseRenewer _renewer;

    /// <param name="dataSource">A database migrated by <see cref="PostgresSchema"/> (the key store's).</param>
    public PostgresRateLimiter(NpgsqlDataSource dataSource, string description, TimeSpan slotLease)
    {
        _dataSource = dataSource;
        _description = description;
        _renewer = new LeaseRenewer(slotLease, RenewAsync);
    }

    public async ValueTask<LimitLease> AcquireAsync(CallerIdentity? caller, string model, CancellationToken cancellationToken)
    {
        if (caller is null || caller.Limits == AccountLimits.Unlimited) return LimitLease.Unlimited;
        var limits = caller.Limits;
        var lease = new SlotLease(Guid.NewGuid(), caller.AccountId, model);
        LimitDecision decision;
        try
        {
            decision = await DecideAsync(lease, limits, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (PostgresOutage.Is(e, _dataSource))
        {
            throw new StoreUnavailableException(_description, e.Message);
        }
        if (decision.Rejection is not null || limits.Parallel is null)
            return LimitVerdict.Apply(limits, model, decision, null);
        _renewer.Track(lease);
        return LimitVerdict.Apply(limits, model, decision, () => ReleaseAsync(lease));
    }

    private async Task<LimitDecision> DecideAsync(SlotLease lease, AccountLimits limits, CancellationToken cancellationToken)
    {
        var period = limits.Quota?.Period ?? TimeSpan.Zero;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        DateTime now;
        await using (var locked = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended(@account, 0)); select clock_timestamp();", connection, transaction))
        {
            locked.Parameters.AddWithValue("account", lease.Account);
            await using var reader = await locked.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            now = reader.GetDateTime(0);
        }

        int inFlight, perMinute, quotaUsed;
        TimeSpan minuteReset, quotaReset;
        await using (var counts = new NpgsqlCommand("""
            select
              (select count(*) from limit_slots where account = @account and model = @model and expires_at > @now),
              (select count(*) from limit_requests where account = @account and accepted_at > @now - interval '60 seconds'),
              (select min(accepted_at) from limit_requests where account = @account and accepted_at > @now - interval '60 seconds'),
              (select count(*) from limit_requests where account = @account and model = @model and accepted_at > @now - @period),
              (select min(accepted_at) from limit_requests where account = @account and model = @model and accepted_at > @now - @period)
            """, connection, transaction))
        {
            counts.Parameters.AddWithValue("account", lease.Account);
            counts.Parameters.AddWithValue("model", lease.Model);
            counts.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, now);
            counts.Parameters.AddWithValue("period", NpgsqlDbType.Interval, period);
            await using var reader = await counts.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            inFlight = (int)reader.GetInt64(0);
            perMinute = limits.RequestsPerMinute is null ? 0 : (int)reader.GetInt64(1);
            minuteReset = reader.IsDBNull(2) ? TimeSpan.Zero : reader.GetDateTime(2) + LimitDecision.Minute - now;
            quotaUsed = limits.Quota is null ? 0 : (int)reader.GetInt64(3);
            quotaReset = reader.IsDBNull(4) ? TimeSpan.Zero : reader.GetDateTime(4) + period - now;
        }

        var decision = LimitDecision.Decide(limits, inFlight, perMinute, minuteReset, quotaUsed, quotaReset);
        if (decision.Rejection is null)
        {
            // Count the request, and drop this account's rows that left every window it has.
            await using var count = new NpgsqlCommand("""
                insert into limit_slots (lease_id, account, model, expires_at) select @id, @account, @model, @now + @ttl where @parallel;
                insert into limit_requests (account, model, accepted_at) select @account, @model, @now where @windowed;
                delete from limit_slots where account = @account and expires_at <= @now;
                delete from limit_requests where account = @account and accepted_at <= @now - @keep;
                """, connection, transaction);
            count.Parameters.AddWithValue("id", lease.Id);
            count.Parameters.AddWithValue("account", lease.Account);
            count.Parameters.AddWithValue("model", lease.Model);
            count.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, now);
            count.Parameters.AddWithValue("ttl", NpgsqlDbType.Interval, _renewer.Ttl);
            count.Parameters.AddWithValue("parallel", limits.Parallel is not null);
            count.Parameters.AddWithValue("windowed", limits.RequestsPerMinute is not null || limits.Quota is not null);
            count.Parameters.AddWithValue("keep", NpgsqlDbType.Interval, period > LimitDecision.Minute ? period : LimitDecision.Minute);
            await count.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return decision;
    }

    private async ValueTask ReleaseAsync(SlotLease lease)
    {
        _renewer.Forget(lease.Id);
        try
        {
            await using var delete = _dataSource.CreateCommand("delete from limit_slots where lease_id = @id");
            delete.Parameters.AddWithValue("id", lease.Id);
            await delete.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (PostgresOutage.Is(e, _dataSource))
        {
            // Not renewed any more: the slot lapses within one lease.
        }
    }

    private async Task RenewAsync(IReadOnlyCollection<SlotLease> leases, CancellationToken cancellationToken)
    {
        // An upsert: a slot that lapsed while the database was away is counted again (see RedisLimitScripts.Renew).
        await using var renew = _dataSource.CreateCommand("""
            insert into limit_slots (lease_id, account, model, expires_at)
            select id, account, model, clock_timestamp() + @ttl from unnest(@ids, @accounts, @models) as t(id, account, model)
            on conflict (lease_id) do update set expires_at = excluded.expires_at
            """);
        renew.Parameters.AddWithValue("ttl", NpgsqlDbType.Interval, _renewer.Ttl);
        renew.Parameters.AddWithValue("ids", leases.Select(l => l.Id).ToArray());
        renew.Parameters.AddWithValue("accounts", leases.Select(l => l.Account).ToArray());
        renew.Parameters.AddWithValue("models", leases.Select(l => l.Model).ToArray());
        await renew.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _renewer.DisposeAsync();
}
