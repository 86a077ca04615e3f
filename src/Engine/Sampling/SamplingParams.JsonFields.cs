using System.Text;
using System.Text.Json;

namespace Engine.Sampling;

/// <summary>Readers for the request fields that need more than a typed getter: aliases, unions and nested shapes.</summary>
public sealed partial record SamplingParams
{
    /// <summary>§6.2: <c>dynatemp_range</c> applies only when neither bound is non-zero.</summary>
    private static (float Min, float Max) DynatempBounds(RequestJsonReader r, float temperature)
    {
        var min = r.Float("dynatemp_min") ?? 0f;
        var max = r.Float("dynatemp_max") ?? 0f;
        var range = r.Float("dynatemp_range") ?? 0f;
        if (range < 0)
        {
            throw new SamplingParamsException("dynatemp_range", $"dynatemp_range must be at least 0, got {range}.");
        }
        return range > 0 && min == 0 && max == 0 ? (Math.Max(0, temperature - range), temperature + range) : (min, max);
    }

    /// <summary>Friendli <c>num_beams = W &gt; 1</c> maps to beam search with <c>best_of = W</c> (api.md §12.2).</summary>
    private static (bool UseBeam, int? BestOf) BeamFields(RequestJsonReader r)
    {
        var useBeam = r.Bool("use_beam_search") ?? false;
        var bestOf = r.Int("best_of");
        if (r.Int("num_beams") is > 1 and var beams)
        {
            return (true, beams);
        }
        return (useBeam, bestOf);
    }

    /// <summary>Friendli's <c>no_repeat_ngram</c>: 1 (its default) and below mean off (§5.4).</summary>
    private static int FriendliNoRepeatNgram(RequestJsonReader r)
    {
        var v = r.Int("no_repeat_ngram");
        if (v is < 0)
        {
            throw new SamplingParamsException("no_repeat_ngram", $"no_repeat_ngram must be at least 0, got {v}.");
        }
        return v is > 1 ? v.Value : 0;
    }

    private static IReadOnlyList<string> DryBreakers(RequestJsonReader r)
    {
        if (!r.TryGet("dry_sequence_breakers", out var v))
        {
            return DefaultDrySequenceBreakers;
        }
        IReadOnlyList<string> list;
        if (v.ValueKind == JsonValueKind.String)
        {
            // A JSON string holding a list is accepted (§5.5).
            list = ParseBreakerListText(v.GetString()!);
        }
        else
        {
            list = r.StringList("dry_sequence_breakers")!;
        }
        return [.. list.Select(DecodeEscapes)];
    }

    private static List<string> ParseBreakerListText(string text)
    {
        const string Rule = "dry_sequence_breakers must be a list of strings or a JSON string holding one.";
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new SamplingParamsException("dry_sequence_breakers", Rule);
            }
            return [.. doc.RootElement.EnumerateArray().Select(static e =>
                e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new SamplingParamsException("dry_sequence_breakers", Rule))];
        }
        catch (JsonException)
        {
            throw new SamplingParamsException("dry_sequence_breakers", Rule);
        }
    }

    /// <summary>Decodes backslash escapes such as the two characters <c>\</c> <c>n</c> (§5.5).</summary>
    internal static string DecodeEscapes(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal))
        {
            return s;
        }
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 == s.Length)
            {
                sb.Append(s[i]);
                continue;
            }
            var c = s[++i];
            switch (c)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '0': sb.Append('\0'); break;
                case 'u' when i + 4 < s.Length && int.TryParse(s.AsSpan(i + 1, 4), System.Globalization.NumberStyles.HexNumber, null, out var code):
                    sb.Append((char)code);
                    i += 4;
                    break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    private static IReadOnlyList<SamplerId> Priority(RequestJsonReader r)
    {
        var name = r.Has("sampler_priority") ? "sampler_priority" : "sampler_order";
        if (!r.TryGet(name, out var v))
        {
            return [];
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw RequestJsonReader.WrongType(name, "a list of sampler ids or names", v);
        }
        var list = new List<SamplerId>();
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                list.Add(SamplerOrder.Parse(item.GetString()!)
                    ?? throw new SamplingParamsException(name, $"Unknown sampler name in {name}: {item.GetRawText()}."));
            }
            else
            {
                var id = RequestJsonReader.AsInt(name, item);
                list.Add(id is >= 0 and < SamplerOrder.Count
                    ? (SamplerId)id
                    : throw new SamplingParamsException(name, $"Unknown sampler id in {name}: {id} (valid ids are 0 to 13)."));
            }
        }
        if (list.Count > 0 && SamplerOrder.MissingMessage(list) is { } missing)
        {
            throw new SamplingParamsException(name, missing);
        }
        return list;
    }

    /// <summary><c>logit_bias</c>, merged with an AwanLLM-style <c>logits_processors</c> map (request bias wins, §4.7); values clamped to [−100, 100].</summary>
    private static IReadOnlyDictionary<int, float> LogitBiasField(RequestJsonReader r)
    {
        var bias = new Dictionary<int, float>();
        if (r.TryGet("logits_processors", out var lp))
        {
            if (lp.ValueKind == JsonValueKind.Object)
            {
                ReadBiasMap("logits_processors", lp, bias);
            }
            else if (lp.ValueKind != JsonValueKind.Array || lp.GetArrayLength() != 0)
            {
                throw new SamplingParamsException("logits_processors", "logits_processors must be null, [] or a map of token id to bias.");
            }
        }
        if (r.TryGet("logit_bias", out var lb))
        {
            if (lb.ValueKind != JsonValueKind.Object)
            {
                throw RequestJsonReader.WrongType("logit_bias", "an object mapping token ids to numbers", lb);
            }
            ReadBiasMap("logit_bias", lb, bias);
        }
        return bias;
    }

    private static void ReadBiasMap(string name, JsonElement map, Dictionary<int, float> into)
    {
        foreach (var prop in map.EnumerateObject())
        {
            if (!int.TryParse(prop.Name, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                throw new SamplingParamsException(name, $"{name} keys must be integer token ids, got \"{prop.Name}\".");
            }
            into[id] = Math.Clamp(RequestJsonReader.AsFloat(name, prop.Value), -100f, 100f);
        }
    }

    private static IReadOnlyList<long> SeedList(RequestJsonReader r)
    {
        if (!r.TryGet("seed", out var v) || v.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        var list = new List<long>();
        foreach (var item in v.EnumerateArray())
        {
            list.Add(RequestJsonReader.AsLong("seed", item));
        }
        return list;
    }

    private static EarlyStopping EarlyStoppingField(RequestJsonReader r)
    {
        if (!r.TryGet("early_stopping", out var v))
        {
            return EarlyStopping.False;
        }
        return v.ValueKind switch
        {
            JsonValueKind.True => EarlyStopping.True,
            JsonValueKind.False => EarlyStopping.False,
            JsonValueKind.String when v.GetString() == "never" => EarlyStopping.Never,
            _ => throw new SamplingParamsException("early_stopping", $"early_stopping must be true, false or \"never\", got {v.GetRawText()}."),
        };
    }

    /// <summary>Completions send an integer; chat sends a boolean plus <c>top_logprobs</c> (api.md §7.1).</summary>
    private static int? LogprobsField(RequestJsonReader r)
    {
        if (!r.TryGet("logprobs", out var v))
        {
            return null;
        }
        return v.ValueKind switch
        {
            JsonValueKind.True => r.Int("top_logprobs") ?? 0,
            JsonValueKind.False => null,
            _ => RequestJsonReader.AsInt("logprobs", v),
        };
    }

    private static string? ResponseFormatField(RequestJsonReader r)
    {
        if (!r.TryGet("response_format", out var v))
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Object || !v.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw new SamplingParamsException("response_format", "response_format must be an object with a string \"type\".");
        }
        switch (type.GetString())
        {
            case "text":
                return null;
            case "json_object":
                return v.GetRawText();
            case "json_schema" when v.TryGetProperty("json_schema", out _) || v.TryGetProperty("schema", out _):
                return v.GetRawText();
            case "json_schema":
                throw new SamplingParamsException("response_format", "response_format of type json_schema needs a json_schema (or schema) field.");
            case "regex" when v.TryGetProperty("schema", out var s) && s.ValueKind == JsonValueKind.String:
                return v.GetRawText();
            default:
                throw new SamplingParamsException("response_format",
                    $"response_format type must be text, json_object, json_schema or regex, got {type.GetRawText()}.");
        }
    }

    private static string? RawUnlessEmpty(RequestJsonReader r, string name)
    {
        if (!r.TryGet(name, out var v))
        {
            return null;
        }
        return v.ValueKind switch
        {
            JsonValueKind.String => EmptyToNull(v.GetString()),
            JsonValueKind.Object => v.EnumerateObject().Any() ? v.GetRawText() : null,
            _ => throw RequestJsonReader.WrongType(name, "a JSON schema object or string", v),
        };
    }

    private static string? EmptyToNull(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
