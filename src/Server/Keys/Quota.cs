namespace Server.Keys;

/// <summary><see cref="Requests"/> accepted generation requests per sliding <see cref="Period"/> (e.g. 5 per 2 days).</summary>
public sealed record Quota(int Requests, TimeSpan Period)
{
    /// <summary>Parses <c>N/PERIOD</c> where PERIOD is a number and a unit s, m, h or d (<c>5/2d</c>, <c>100/1h</c>).</summary>
    public static Quota Parse(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !int.TryParse(text.AsSpan(0, slash), out var n) || n < 0)
            throw new FormatException($"Quota '{text}' must look like N/PERIOD, e.g. 5/2d.");
        return new Quota(n, ParsePeriod(text[(slash + 1)..]));
    }

    public static TimeSpan ParsePeriod(string text)
    {
        if (text.Length < 2 || !double.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.CultureInfo.InvariantCulture, out var amount) || amount <= 0)
            throw new FormatException($"Period '{text}' must be a positive number followed by s, m, h or d.");
        return text[^1] switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            _ => throw new FormatException($"Period '{text}' must end in s, m, h or d."),
        };
    }

    /// <summary>The period as it appears in the 429 message: "2 days", "1 hour", "90 seconds".</summary>
    public string PeriodText()
    {
        static string Unit(double v, string unit) => v == 1 ? $"1 {unit}" : $"{v.ToString(System.Globalization.CultureInfo.InvariantCulture)} {unit}s";
        if (Period.TotalDays >= 1 && Period.TotalDays % 1 == 0) return Unit(Period.TotalDays, "day");
        if (Period.TotalHours >= 1 && Period.TotalHours % 1 == 0) return Unit(Period.TotalHours, "hour");
        if (Period.TotalMinutes >= 1 && Period.TotalMinutes % 1 == 0) return Unit(Period.TotalMinutes, "minute");
        return Unit(Period.TotalSeconds, "second");
    }
}
