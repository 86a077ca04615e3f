namespace Server.Limits;

/// <summary>The limit that was reached, its configured value and how long until a retry can succeed.</summary>
internal sealed record LimitRejection(LimitKind Kind, int Limit, TimeSpan RetryAfter);
