using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.ChatTemplates;
using Engine.Generation;
using Engine.Model;
using Engine.Tokenization;

namespace Server.Generation;

/// <summary>
/// One served model: its running <see cref="LlmEngine"/>, tokenizer and chat template renderer, and the open
/// checkpoint the engine's weights are mapped from (disposed with it).
/// </summary>
public sealed class LoadedModel : IDisposable
{
    private readonly IDisposable? _checkpoint;

    private LoadedModel(ServedModel card, LlmEngine engine, Tokenizer tokenizer, ChatTemplateRenderer renderer, IDisposable? checkpoint)
    {
        Card = card;
        Engine = engine;
        Tokenizer = tokenizer;
        Renderer = renderer;
        _checkpoint = checkpoint;
    }

    public ServedModel Card { get; }

    public LlmEngine Engine { get; }

    public Tokenizer Tokenizer { get; }

    public ChatTemplateRenderer Renderer { get; }

    /// <summary>
    /// Loads the HF directory <paramref name="directory"/> (config, safetensors, tokenizer, tokenizer_config's chat
    /// template), or the built-in random-weight model when it is null. <paramref name="chatTemplatePath"/> replaces
    /// the model's default template.
    /// </summary>
    public static LoadedModel Load(string name, string? directory, EngineOptions options, string? chatTemplatePath)
    {
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (directory is null)
        {
            var tokenizer = BuiltinModel.CreateTokenizer();
            var templates = tokenizer.Config is { } file
                ? ChatTemplateConfig.FromTokenizerConfig(file)
                : new ChatTemplateConfig(new Dictionary<string, string>(), new Dictionary<string, JsonNode>());
            var renderer = WithTemplate(templates, chatTemplatePath);
            var engine = LlmEngine.Create(BuiltinModel.Config, BuiltinModel.CreateWeights(), options, tokenizer);
            return new LoadedModel(CardOf(name, BuiltinModel.Config, renderer, BuiltinModel.Name, created), engine, tokenizer, renderer, null);
        }
        var checkpoint = ModelCheckpoint.Open(directory);
        try
        {
            var tokenizer = Tokenizer.FromDirectory(directory);
            var renderer = WithTemplate(ChatTemplateConfig.Load(directory), chatTemplatePath);
            var engine = LlmEngine.Create(checkpoint.Config, checkpoint.Weights, options, tokenizer);
            return new LoadedModel(CardOf(name, checkpoint.Config, renderer, RootName(directory), created), engine, tokenizer, renderer, checkpoint);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Serves weights already in memory under <paramref name="name"/> with <paramref name="tokenizer"/> and the chat
    /// template of its tokenizer_config.json (for a random-weight model over a real tokenizer, as tests use).
    /// </summary>
    public static LoadedModel Create(string name, ModelConfig config, Weights weights, Tokenizer tokenizer, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var templates = tokenizer.Config is { } file
            ? ChatTemplateConfig.FromTokenizerConfig(file)
            : new ChatTemplateConfig(new Dictionary<string, string>(), new Dictionary<string, JsonNode>());
        var renderer = new ChatTemplateRenderer(templates);
        var engine = LlmEngine.Create(config, weights, options, tokenizer);
        return new LoadedModel(CardOf(name, config, renderer, config.Name, DateTimeOffset.UtcNow.ToUnixTimeSeconds()), engine, tokenizer, renderer, null);
    }

    /// <summary>Renders a chat with the model's template (or the request's); template failures become <see cref="ChatRenderException"/>.</summary>
    public string RenderChat(ChatRenderRequest request)
    {
        if (request.Template is null && !Card.HasChatTemplate)
        {
            throw new ChatRenderException($"Model '{Card.Id}' has no chat template; send chat_template or use /v1/completions.");
        }
        var messages = new JsonArray();
        foreach (var message in request.Messages)
        {
            var node = message.Extra.ValueKind == JsonValueKind.Object ? JsonNode.Parse(message.Extra.GetRawText())!.AsObject() : [];
            node["role"] = message.Role;
            node["content"] = message.Content;
            messages.Add(node);
        }
        var extra = new JsonObject();
        if (request.TemplateKwargs is { ValueKind: JsonValueKind.Object } kwargs)
        {
            foreach (var property in kwargs.EnumerateObject())
            {
                extra[property.Name] = JsonNode.Parse(property.Value.GetRawText());
            }
        }
        if (request.Tools is { ValueKind: JsonValueKind.Array } tools)
        {
            extra["tools"] = JsonNode.Parse(tools.GetRawText());
        }
        if (request.Documents is { ValueKind: JsonValueKind.Array } documents)
        {
            extra["documents"] = JsonNode.Parse(documents.GetRawText());
        }
        try
        {
            return Renderer.Render(messages, request.AddGenerationPrompt, extra, request.Template, request.ContinueFinalMessage);
        }
        catch (ChatTemplateException e)
        {
            throw new ChatRenderException(e.Message, e);
        }
    }

    private static ChatTemplateRenderer WithTemplate(ChatTemplateConfig config, string? path)
    {
        if (path is not null)
        {
            var templates = new Dictionary<string, string>(config.Templates, StringComparer.Ordinal) { [ChatTemplateConfig.DefaultName] = File.ReadAllText(path) };
            config = config with { Templates = templates };
        }
        return new ChatTemplateRenderer(config);
    }

    // api.md §5's root is the base model's path or name: the directory's own name, so /v1/models never tells a
    // client where the server keeps its files
    private static string RootName(string directory) => Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)) is { Length: > 0 } leaf ? leaf : "model";

    private static ServedModel CardOf(string name, ModelConfig config, ChatTemplateRenderer renderer, string root, long created) =>
        new(name, "engine", config.MaxContext, config.VocabSize, renderer.Config.Templates.Count > 0, root, null, created);

    public void Dispose()
    {
        Engine.Dispose();
        _checkpoint?.Dispose();
    }
}
