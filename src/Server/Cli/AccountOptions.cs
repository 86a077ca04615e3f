using System.CommandLine;
using Server.Keys;

namespace Server.Cli;

/// <summary>The options every account takes, a key's or a team's: limits, allowed models and overrides.</summary>
internal sealed class AccountOptions(string owner)
{
    private readonly Option<int?> _parallel = new("--parallel") { Description = "Generation requests in flight per model." };
    private readonly Option<int?> _rpm = new("--rpm") { Description = "Generation requests per minute." };
    private readonly Option<string?> _quota = new("--quota") { Description = "Generation requests per model per window, e.g. 5/2d (units s, m, h, d)." };
    private readonly Option<string?> _models = new("--models") { Description = $"Comma-separated model ids the {owner} may use (default: all)." };
    private readonly Option<string?> _overrides = new("--overrides") { Description = "JSON object of parameter overrides, e.g. {\"temperature\": 0.7}." };

    public void AddTo(Command command)
    {
        command.Options.Add(_parallel);
        command.Options.Add(_rpm);
        command.Options.Add(_quota);
        command.Options.Add(_models);
        command.Options.Add(_overrides);
    }

    /// <exception cref="FormatException">The quota is not N/PERIOD.</exception>
    public AccountLimits Limits(ParseResult parse) =>
        new(parse.GetValue(_parallel), parse.GetValue(_rpm), parse.GetValue(_quota) is { } q ? Quota.Parse(q) : null);

    public string[]? Models(ParseResult parse) =>
        parse.GetValue(_models)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string? Overrides(ParseResult parse) => parse.GetValue(_overrides);
}
