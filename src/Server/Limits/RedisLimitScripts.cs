namespace Server.Limits;

/// <summary>
/// The Lua scripts behind <see cref="RedisRateLimiter"/>. Redis runs a script atomically, so a check and its
/// increment cannot interleave with another replica's; time is the Redis server's (<c>TIME</c>), so replicas with
/// skewed clocks still share one window. Sorted sets hold one member per slot or accepted request, scored by expiry
/// (slots) or acceptance time (windows), all in milliseconds.
/// </summary>
internal static class RedisLimitScripts
{
    /// <summary>
    /// KEYS: slots (account × model), minute window (account), quota window (account × model).
    /// ARGV: parallel, rpm, quota (−1 = unlimited), quota period ms, lease ttl ms, member id.
    /// Returns {rejected (0 none, 1 parallel, 2 rpm, 3 quota), in flight, per minute, minute reset ms, quota used,
    /// quota reset ms}, the counts before this request; the C# side applies the same decision to report them.
    /// </summary>
    public const string Acquire = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local parallel, rpm, quota = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
        local period, ttl, id = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
        local function reset(key, window)
          local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
          if #oldest == 0 then return 0 end
          return tonumber(oldest[2]) + window - now
        end
        local inflight, perMinute, used, minuteReset, quotaReset = 0, 0, 0, 0, 0
        if parallel >= 0 then
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
          inflight = redis.call('ZCARD', KEYS[1])
        end
        if rpm >= 0 then
          redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 60000)
          perMinute = redis.call('ZCARD', KEYS[2])
          minuteReset = reset(KEYS[2], 60000)
        end
        if quota >= 0 then
          redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - period)
          used = redis.call('ZCARD', KEYS[3])
          quotaReset = reset(KEYS[3], period)
        end
        local rejected = 0
        if parallel >= 0 and inflight >= parallel then rejected = 1
        elseif rpm >= 0 and perMinute >= rpm then rejected = 2
        elseif quota >= 0 and used >= quota then rejected = 3 end
        if rejected == 0 then
          if parallel >= 0 then
            redis.call('ZADD', KEYS[1], now + ttl, id)
            redis.call('PEXPIRE', KEYS[1], ttl)
          end
          if rpm >= 0 then
            redis.call('ZADD', KEYS[2], now, id)
            redis.call('PEXPIRE', KEYS[2], 60000)
          end
          if quota >= 0 then
            redis.call('ZADD', KEYS[3], now, id)
            redis.call('PEXPIRE', KEYS[3], period)
          end
        end
        return {rejected, inflight, perMinute, minuteReset, used, quotaReset}
        """;

    /// <summary>
    /// KEYS: slots; ARGV: lease ttl ms, member id. Extends a slot whose request still runs here, and puts it back if it
    /// lapsed or Redis lost it (a restart without persistence), so the running requests are counted again at once.
    /// A renewal racing the slot's release can leave it for one more lease: that errs towards refusing, never
    /// towards more than the limit in flight.
    /// </summary>
    public const string Renew = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
        return 0
        """;
}
