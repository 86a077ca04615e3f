namespace Engine.Tests.ChatTemplates;

/// <summary>The fixture generator's clock: strftime_now sees 2024-07-26 00:00:00 local (UTC here).</summary>
internal sealed class FixedClock : TimeProvider
{
    public static readonly FixedClock Fixture = new(new DateTimeOffset(2024, 7, 26, 0, 0, 0, TimeSpan.Zero));

    private readonly DateTimeOffset _now;

    public FixedClock(DateTimeOffset now) => _now = now;

    public override DateTimeOffset GetUtcNow() => _now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
