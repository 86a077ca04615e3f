using System.Text.Json.Nodes;

namespace Engine.ChatTemplates;

/// <summary>
/// Renders a conversation with a tokenizer's chat template as transformers' <c>apply_chat_template</c> does:
/// variables <c>messages</c>, <c>add_generation_prompt</c>, <c>tools</c> = None, <c>documents</c> = None, the
/// special tokens that are set (unset ones stay undefined), then <c>extra</c> on top (it wins).
/// </summary>
public sealed class ChatTemplateRenderer(ChatTemplateConfig config, ChatTemplateLimits? limits = null, TimeProvider? clock = null)
{
    public ChatTemplateConfig Config { get; } = config;

    /// <summary>Loads the tokenizer folder's <c>tokenizer_config.json</c> (and <c>chat_template.jinja</c>).</summary>
    public static ChatTemplateRenderer FromDirectory(string directory, ChatTemplateLimits? limits = null, TimeProvider? clock = null) =>
        new(ChatTemplateConfig.Load(directory), limits, clock);

    /// <summary>
    /// The template variables for one render. <paramref name="extra"/> (e.g. <c>enable_thinking</c>,
    /// <c>tools</c>, <c>date_string</c>, a request's <c>chat_template_kwargs</c>) overrides the defaults.
    /// </summary>
    public JsonObject BuildVariables(JsonArray messages, bool addGenerationPrompt, JsonObject? extra = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var variables = new JsonObject
        {
            ["messages"] = messages.DeepClone(),
            ["add_generation_prompt"] = addGenerationPrompt,
            ["tools"] = null,
            ["documents"] = null,
        };
        foreach (var (name, value) in Config.SpecialTokens)
        {
            variables[name] = value.DeepClone();
        }
        if (extra is not null)
        {
            foreach (var (name, value) in extra)
            {
                variables[name] = value?.DeepClone();
            }
        }
        return variables;
    }

    /// <summary>
    /// Renders the prompt. <paramref name="template"/> is a template name or a full template source (a request's
    /// <c>chat_template</c>); null picks <c>tool_use</c> when <c>extra["tools"]</c> is set and that template exists,
    /// else <c>default</c>. Throws <see cref="ChatTemplateException"/> on template errors and <c>raise_exception</c>.
    /// </summary>
    public string Render(JsonArray messages, bool addGenerationPrompt, JsonObject? extra = null, string? template = null)
    {
        var variables = BuildVariables(messages, addGenerationPrompt, extra);
        var source = Config.SelectTemplate(template, hasTools: variables["tools"] is not null);
        return ChatTemplate.Parse(source).Render(variables, limits, clock);
    }
}
