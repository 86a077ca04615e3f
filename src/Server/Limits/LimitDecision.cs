namespace Server.Limits;

/// <summary>Outcome of one check-and-increment, with the counts the rate-limit headers report.</summary>
internal sealed record LimitDecision(
    LimitRejection? Rejection, int InFlight, int PerMinute, TimeSpan MinuteReset, int QuotaUsed, TimeSpan QuotaReset);
