using System.Text.Json.Nodes;
using Loader.Tokenizers;

namespace Engine.ChatTemplates;

/// <summary>
/// The chat-template part of a Hugging Face tokenizer folder: the template(s) and the special tokens a template
/// sees as variables. <see cref="Templates"/> maps a template name to its source; a plain-string
/// <c>chat_template</c> is stored under <c>"default"</c>, a list of <c>{name, template}</c> under each name, and a
/// <c>chat_template.jinja</c> file (newer transformers) replaces the default. <see cref="SpecialTokens"/> holds
/// bos/eos/unk/pad tokens that are set (a <c>{"content": ...}</c> object reduced to its content) and
/// <c>additional_special_tokens</c> as a list of strings.
/// </summary>
public sealed record ChatTemplateConfig(IReadOnlyDictionary<string, string> Templates, IReadOnlyDictionary<string, JsonNode> SpecialTokens)
{
    public const string DefaultName = "default";
    public const string ToolUseName = "tool_use";

    /// <summary>Reads <c>tokenizer_config.json</c> (and <c>chat_template.jinja</c> if present) from <paramref name="directory"/>.</summary>
    public static ChatTemplateConfig Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Tokenizer folder not found: {directory}");
        }
        var configPath = Path.Combine(directory, "tokenizer_config.json");
        var config = File.Exists(configPath)
            ? FromTokenizerConfig(TokenizerConfigFile.Read(configPath))
            : new ChatTemplateConfig(new Dictionary<string, string>(), new Dictionary<string, JsonNode>());
        var jinjaPath = Path.Combine(directory, "chat_template.jinja");
        if (File.Exists(jinjaPath))
        {
            var templates = new Dictionary<string, string>(config.Templates, StringComparer.Ordinal) { [DefaultName] = File.ReadAllText(jinjaPath) };
            config = config with { Templates = templates };
        }
        return config;
    }

    /// <summary>Parses the text of a <c>tokenizer_config.json</c>; <paramref name="source"/> names it in errors.</summary>
    public static ChatTemplateConfig ParseConfig(string json, string source = "tokenizer_config.json") =>
        FromTokenizerConfig(TokenizerConfigFile.Parse(json, source));

    /// <summary>The template-facing view of the Loader's parsed <c>tokenizer_config.json</c>.</summary>
    public static ChatTemplateConfig FromTokenizerConfig(TokenizerConfigFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var templates = new Dictionary<string, string>(file.NamedChatTemplates, StringComparer.Ordinal);
        if (file.ChatTemplate is not null)
        {
            templates[DefaultName] = file.ChatTemplate;
        }
        var tokens = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        AddToken(tokens, "bos_token", file.BosToken);
        AddToken(tokens, "eos_token", file.EosToken);
        AddToken(tokens, "unk_token", file.UnkToken);
        AddToken(tokens, "pad_token", file.PadToken);
        if (file.AdditionalSpecialTokens.Count > 0)
        {
            tokens["additional_special_tokens"] = new JsonArray([.. file.AdditionalSpecialTokens.Select(t => (JsonNode?)JsonValue.Create(t))]);
        }
        return new ChatTemplateConfig(templates, tokens);
    }

    // Unset (absent or null) tokens are left out, so the template sees them as undefined, as transformers does.
    private static void AddToken(Dictionary<string, JsonNode> tokens, string name, string? value)
    {
        if (value is not null)
        {
            tokens[name] = JsonValue.Create(value);
        }
    }

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
