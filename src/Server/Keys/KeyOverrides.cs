using System.Text.Json;
using System.Text.Json.Nodes;
using Server.Errors;

namespace Server.Keys;

/// <summary>
/// A key's parameter overrides (api.md §11.1): enabled entries on the allow-list replace the request's
/// top-level field, winning even over an explicit null.
/// </summary>
/// <remarks>
/// Stored as a JSON object; each entry is either a bare value (enabled) or
/// <c>{"value": v, "enabled": bool}</c>. Names off the allow-list are dropped when parsed.
/// </remarks>
public sealed class KeyOverrides
{
    public static readonly KeyOverrides None = new(new Dictionary<string, JsonElement>());

    private readonly Dictionary<string, JsonElement> _enabled;

    private KeyOverrides(Dictionary<string, JsonElement> enabled) => _enabled = enabled;

    /// <summary>The enabled, allowed override names.</summary>
    public IReadOnlyCollection<string> Names => _enabled.Keys;

    /// <summary>Parses the stored JSON; throws <see cref="FormatException"/> when it is not an object.</summary>
    public static KeyOverrides Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return None;
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new FormatException("Overrides must be a JSON object mapping parameter names to values.");
        var enabled = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            if (!OverrideAllowList.Contains(entry.Name)) continue;
            var value = entry.Value;
            if (IsFlagged(value))
            {
                if (value.TryGetProperty("enabled", out var on) && on.ValueKind == JsonValueKind.False) continue;
                value = value.GetProperty("value");
            }
            enabled[entry.Name] = value.Clone();
        }
        return new KeyOverrides(enabled);
    }

    /// <summary>
    /// Returns <paramref name="body"/> with the overrides merged in (or the same document when none apply).
    /// <paramref name="onlyMultiModels"/> restricts the merge to <c>multi_models</c> (for <c>/v1/tokenize</c>).
    /// </summary>
    public JsonDocument Apply(JsonDocument body, bool onlyMultiModels, out IReadOnlySet<string> applied)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in _enabled.Keys)
            if (!onlyMultiModels || name == "multi_models") names.Add(name);
        applied = names;
        if (names.Count == 0) return body;
        var merged = JsonNode.Parse(body.RootElement.GetRawText())!.AsObject();
        foreach (var name in names)
            merged[name] = JsonNode.Parse(_enabled[name].GetRawText());
        body.Dispose();
        return JsonDocument.Parse(merged.ToJsonString());
    }

    /// <summary>Rewrites a validation error caused by an overridden field so it says where the value came from.</summary>
    public static ApiException Explain(RequestValidationException e, IReadOnlySet<string> applied)
    {
        var field = e.Param is null ? null : e.Param.Split('[', '.')[0];
        return field is not null && applied.Contains(field)
            ? new RequestValidationException(e.Param, $"{e.Message} (The value of {field} comes from this API key's overrides.)")
            : e;
    }

    private static bool IsFlagged(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("value", out _)) return false;
        foreach (var p in value.EnumerateObject())
            if (p.Name is not ("value" or "enabled")) return false;
        return true;
    }
}
