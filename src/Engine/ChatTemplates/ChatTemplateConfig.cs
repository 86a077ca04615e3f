using System.Text.Json;
using System.Text.Json.Nodes;

namespace Engine.ChatTemplates;

/// <summary>
/// The chat-template part of a Hugging Face tokenizer folder: the template(s) and the special tokens a template
/// sees as variables. <see cref="Templates"/> maps a template name to its source; a plain-string
/// <c>chat_template</c> is stored under <c>"default"</c>, a list of <c>{name, template}</c> under each name, and a
/// <c>chat_template.jinja</c> file (newer transformers) replaces the default. <see cref="SpecialTokens"/> holds
/// bos/eos/unk/pad/sep/cls/mask tokens that are set (a <c>{"content": ...}</c> object reduced to its content) and
/// <c>additional_special_tokens</c> as a list of strings.
/// </summary>
public sealed record ChatTemplateConfig(IReadOnlyDictionary<string, string> Templates, IReadOnlyDictionary<string, JsonNode> SpecialTokens)
{
    public const string DefaultName = "default";
    public const string ToolUseName = "tool_use";

    private static readonly string[] TokenNames = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"];

    /// <summary>Reads <c>tokenizer_config.json</c> (and <c>chat_template.jinja</c> if present) from <paramref name="directory"/>.</summary>
    public static ChatTemplateConfig Load(string directory)
    {
        var configPath = Path.Combine(directory, "tokenizer_config.json");
        var config = File.Exists(configPath) ? ParseConfig(File.ReadAllText(configPath), configPath) : new ChatTemplateConfig(new Dictionary<string, string>(), new Dictionary<string, JsonNode>());
        var jinjaPath = Path.Combine(directory, "chat_template.jinja");
        if (File.Exists(jinjaPath))
        {
            var templates = new Dictionary<string, string>(config.Templates, StringComparer.Ordinal) { [DefaultName] = File.ReadAllText(jinjaPath) };
            config = config with { Templates = templates };
        }
        return config;
    }

    /// <summary>Parses the text of a <c>tokenizer_config.json</c>; <paramref name="source"/> names it in errors.</summary>
    public static ChatTemplateConfig ParseConfig(string json, string source = "tokenizer_config.json")
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new ChatTemplateException($"{source}: the top level is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ChatTemplateException($"{source}: invalid JSON ({e.Message}).", e);
        }
        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (root["chat_template"])
        {
            case null:
                break;
            case JsonArray list:
                foreach (var entry in list)
                {
                    var name = entry?["name"]?.GetValue<string>() ?? throw new ChatTemplateException($"{source}: chat_template list entry without a 'name'.");
                    templates[name] = entry["template"]?.GetValue<string>() ?? throw new ChatTemplateException($"{source}: chat_template '{name}' has no 'template' string.");
                }
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                templates[DefaultName] = value.GetValue<string>();
                break;
            default:
                throw new ChatTemplateException($"{source}: chat_template must be a string or a list of {{name, template}} objects.");
        }
        var tokens = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var name in TokenNames)
        {
            if (TokenContent(root[name]) is { } content)
            {
                tokens[name] = JsonValue.Create(content);
            }
        }
        if (root["additional_special_tokens"] is JsonArray additional)
        {
            tokens["additional_special_tokens"] = new JsonArray([.. additional.Select(t => (JsonNode?)JsonValue.Create(TokenContent(t)))]);
        }
        return new ChatTemplateConfig(templates, tokens);
    }

    // A token is either a string or an AddedToken object {"content": ..., "lstrip": ..., ...}.
    private static string? TokenContent(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonObject o => o["content"]?.GetValue<string>(),
        _ => null,
    };

    /// <summary>
    /// transformers' template choice: an explicit <paramref name="nameOrSource"/> that names a template picks it
    /// (otherwise it is itself the template source); without one, <c>tool_use</c> when tools are given and such a
    /// template exists, else <c>default</c>. Throws when the folder has no chat template at all.
    /// </summary>
    public string SelectTemplate(string? nameOrSource, bool hasTools)
    {
        if (nameOrSource is not null)
        {
            return Templates.TryGetValue(nameOrSource, out var named) ? named : nameOrSource;
        }
        if (hasTools && Templates.TryGetValue(ToolUseName, out var toolUse))
        {
            return toolUse;
        }
        if (Templates.TryGetValue(DefaultName, out var fallback))
        {
            return fallback;
        }
        throw new ChatTemplateException(Templates.Count == 0
            ? "The tokenizer has no chat template (no chat_template in tokenizer_config.json and no chat_template.jinja)."
            : $"The tokenizer has chat templates named {string.Join(", ", Templates.Keys)} but no 'default'; choose one by name.");
    }
}
