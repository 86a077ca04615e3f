using System.Text.Json;
using Server.Errors;

namespace Server.Requests;

/// <summary>
/// Whole-body checks the JSON reader leaves to later reads, done once right after parsing so that no field read
/// can fail unexpectedly (a 500) further on: every string and property name must be valid UTF-16 (a lone
/// surrogate escape such as <c>"\ud800"</c> is valid JSON but no text), and no object may repeat a key (which value
/// a reader would see is undefined; vLLM's pydantic keeps the last, clients rarely mean it). Errors name the path,
/// e.g. <c>messages[0].role</c>. Iterative, so depth costs heap, not stack (the reader already caps depth at 64).
/// </summary>
public static class JsonBodyCheck
{
    public static void Check(JsonElement root)
    {
        var pending = new Stack<(JsonElement Value, string Path)>();
        pending.Push((root, string.Empty));
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var item))
        {
            var (value, path) = item;
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    names.Clear();
                    foreach (var property in value.EnumerateObject())
                    {
                        var name = NameOf(property, path);
                        var at = path.Length == 0 ? name : $"{path}.{name}";
                        if (!names.Add(name))
                            throw new RequestValidationException(at, $"{at} appears more than once in the same object.");
                        pending.Push((property.Value, at));
                    }
                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    foreach (var element in value.EnumerateArray())
                        pending.Push((element, $"{path}[{i++}]"));
                    break;
                case JsonValueKind.String:
                    if (!IsText(value))
                        throw new RequestValidationException(path.Length == 0 ? null : path,
                            $"{(path.Length == 0 ? "The body" : path)} contains a lone UTF-16 surrogate escape (such as \\ud800), which is not text.");
                    break;
            }
        }
    }

    private static string NameOf(JsonProperty property, string path)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            var where = path.Length == 0 ? "the body" : path;
            throw new RequestValidationException(path.Length == 0 ? null : path,
                $"A property name in {where} contains a lone UTF-16 surrogate escape (such as \\ud800), which is not text.");
        }
    }

    // GetString() is where System.Text.Json rejects an escape that does not decode to valid UTF-16
    private static bool IsText(JsonElement value)
    {
        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
