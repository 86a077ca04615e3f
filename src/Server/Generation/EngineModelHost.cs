using System.Runtime.CompilerServices;
using Engine.Generation;
using Engine.Lora;
using Engine.Sampling;
using Server.Hosting;
using EngineFinish = Engine.Scheduling.FinishReason;

namespace Server.Generation;

/// <summary>
/// The real engine behind <see cref="IModelHost"/>: one <see cref="LoadedModel"/> per base model, and one card per
/// LoRA adapter its engine serves (<c>parent</c> = the base), so base and adapter requests share the base's engine
/// and its forward steps (the engine runs them merged or unmerged, per step). Requests arrive
/// with the <see cref="SamplingParams"/> the server parsed; what the engine still refuses (beam search, a prompt past
/// the context) becomes <see cref="GenerationRejectedException"/> (400), and engine outputs become <see cref="GenerationChunk"/>s.
/// </summary>
public sealed class EngineModelHost : IModelHost, IDisposable
{
    /// <summary>The served name of the built-in model when <c>engine serve</c> gets no <c>--model</c>.</summary>
    public const string BuiltinName = Engine.Model.BuiltinModel.Name;

    private readonly Dictionary<string, LoadedModel> _models;
    // served LoRA name → the base model whose engine holds the adapter under that name
    private readonly Dictionary<string, LoadedModel> _loras = new(StringComparer.Ordinal);

    private readonly bool _parseSpecial;

    /// <summary>Serves each model and, as its own card, every LoRA adapter of the model's engine (<see cref="LlmEngine.LoraNames"/>).</summary>
    /// <param name="parseSpecial">False: special-token text in prompts and message content is encoded literally.</param>
    public EngineModelHost(IEnumerable<LoadedModel> models, bool parseSpecial = true)
    {
        _parseSpecial = parseSpecial;
        ArgumentNullException.ThrowIfNull(models);
        _models = models.ToDictionary(m => m.Card.Id, StringComparer.Ordinal);
        var cards = new List<ServedModel>();
        foreach (var model in _models.Values)
        {
            cards.Add(model.Card);
            foreach (var lora in model.Engine.LoraNames)
            {
                if (_models.ContainsKey(lora) || !_loras.TryAdd(lora, model))
                {
                    throw new ArgumentException($"The LoRA name '{lora}' is already a served model name.", nameof(models));
                }
                // api.md §5: root = the base model's path, parent = the base model's id
                cards.Add(model.Card with { Id = lora, Parent = model.Card.Id });
            }
        }
        Models = cards;
    }

    /// <summary>
    /// Loads every <c>--model NAME=DIR</c> of <paramref name="settings"/>, or the built-in model when there is none,
    /// each with the <c>--lora</c> adapters naming it as their base. Throws <see cref="Loader.Adapters.LoraFormatException"/>
    /// naming the adapter, file and tensor when an adapter does not fit its base.
    /// </summary>
    public static EngineModelHost Load(EngineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = new EngineOptions
        {
            EnablePrefixCaching = settings.EnablePrefixCaching,
            Device = settings.Device,
            Threads = settings.Threads,
            GpuMemoryUtilization = settings.GpuMemoryUtilization,
            KvCacheDType = settings.KvCacheDType,
            DeviceSampling = settings.DeviceSampling,
            StartupLog = settings.StartupLog,
        };
        if (settings.MaxNumSeqs is { } maxNumSeqs)
        {
            options = options with { MaxNumSeqs = maxNumSeqs };
        }
        if (settings.KvBlocks is { } blocks)
        {
            options = options with { KvCacheTokens = blocks * options.BlockSize };
        }
        var loaded = new List<LoadedModel>();
        try
        {
            HashSet<string> bases = settings.Models.Count == 0 ? [BuiltinName] : [.. settings.Models.Keys];
            if (settings.Loras.FirstOrDefault(l => !bases.Contains(l.BaseModel)) is { } orphan)
            {
                throw new ArgumentException($"--lora '{orphan.Name}' names base model '{orphan.BaseModel}', which is not served.", nameof(settings));
            }
            if (settings.Models.Count == 0)
            {
                loaded.Add(LoadedModel.Load(BuiltinName, null, WithLoras(options, settings, BuiltinName), settings.ChatTemplatePath));
            }
            foreach (var (name, directory) in settings.Models)
            {
                loaded.Add(LoadedModel.Load(name, directory, WithLoras(options, settings, name), settings.ChatTemplatePath));
            }
            return new EngineModelHost(loaded, settings.ParseSpecial);
        }
        catch
        {
            loaded.ForEach(m => m.Dispose());
            throw;
        }
    }

    private static EngineOptions WithLoras(EngineOptions options, EngineSettings settings, string baseModel) => options with
    {
        LoraAdapters = [.. settings.Loras.Where(l => l.BaseModel == baseModel).Select(l => new LoraAdapterSpec(l.Name, l.Directory))],
    };

    public IReadOnlyList<ServedModel> Models { get; }

    public bool IsReady => true;

    public EngineStats Stats
    {
        get
        {
            int running = 0, waiting = 0, used = 0, total = 0;
            long queried = 0, hits = 0;
            foreach (var model in _models.Values)
            {
                var core = model.Engine.Core;
                running += core.NumRunningRequests;
                waiting += core.NumUnfinishedRequests - core.NumRunningRequests;
                used += core.NumBlocks - core.NumFreeBlocks;
                total += core.NumBlocks;
                queried += core.PrefixCacheQueryTokens;
                hits += core.PrefixCacheHitTokens;
            }
            return new EngineStats(running, waiting, used, total, queried, hits);
        }
    }

    public IReadOnlyList<int> Tokenize(string model, string text, bool addSpecialTokens) =>
        Get(model).Tokenizer.Encode(text, addSpecialTokens, _parseSpecial ? null : NeverSpecial);

    private static readonly Func<int, bool> NeverSpecial = _ => false;

    /// <summary>
    /// With parse-special off, the special tokens the template wrote stay special and those in message content do
    /// not: the chat is rendered a second time with each special-token text in content replaced by as many U+E000,
    /// and a special match counts only where that rendering has no U+E000. A template that changes content's length
    /// (so the renderings do not line up) gets every special token text kept special, as with parse-special on.
    /// </summary>
    public IReadOnlyList<int> TokenizeChat(string model, ChatRenderRequest request, string rendered, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(request);
        var loaded = Get(model);
        if (_parseSpecial)
        {
            return loaded.Tokenizer.Encode(rendered, addSpecialTokens);
        }
        var specials = loaded.Tokenizer.SpecialTokenTexts.Where(s => s.Length > 0).OrderByDescending(s => s.Length).ToArray();
        var masked = request with
        {
            Messages = [.. request.Messages.Select(m => m with { Content = m.Content is null ? null : Mask(m.Content, specials) })],
        };
        var marks = loaded.RenderChat(masked);
        return marks.Length == rendered.Length
            ? loaded.Tokenizer.Encode(rendered, addSpecialTokens, i => marks[i] != MaskChar)
            : loaded.Tokenizer.Encode(rendered, addSpecialTokens);
    }

    private const char MaskChar = '\uE000';

    private static string Mask(string content, string[] specials)
    {
        foreach (var special in specials)
        {
            content = content.Replace(special, new string(MaskChar, special.Length), StringComparison.Ordinal);
        }
        return content;
    }

    public string Detokenize(string model, IReadOnlyList<int> tokenIds, bool skipSpecialTokens) =>
        Get(model).Tokenizer.Decode([.. tokenIds], skipSpecialTokens);

    public string TokenText(string model, int tokenId) => Get(model).Tokenizer.Decode([tokenId]);

    public string RenderChat(string model, ChatRenderRequest request) => Get(model).RenderChat(request);

    public async IAsyncEnumerable<GenerationChunk> Generate(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = Get(request.Model);
        // the server resolved min_tokens against the prompt (min_total_tokens), as it did max_tokens
        // a LoRA name runs its adapter × multiplier on the base's engine; a base model ignores multiplier (api.md §11.3)
        var lora = _loras.ContainsKey(request.Model) ? request.Model : null;
        var engineRequest = new EngineRequest(request.PromptTokenIds, request.Sampling with { MinTokens = request.MinTokens }, request.MaxTokens)
        {
            Lora = lora,
            Multiplier = lora is null ? 1f : (float)request.Multiplier,
        };
        var outputs = model.Engine.GenerateAsync(engineRequest, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (outputs.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await outputs.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (SamplingParamsException e)
                {
                    throw new GenerationRejectedException(e.Field, e.Message);
                }
                catch (PromptTooLongException e)
                {
                    throw new GenerationRejectedException("prompt", e.Message);
                }
                yield return ToChunk(outputs.Current);
            }
        }
    }

    private static GenerationChunk ToChunk(RequestOutput output)
    {
        List<TokenLogprob>? logprobs = null;
        if (output.Logprobs is { } sampled)
        {
            logprobs = new List<TokenLogprob>(sampled.Count);
            foreach (var s in sampled)
            {
                logprobs.Add(new TokenLogprob(s.TokenId, s.Logprob, Tops(s.Top, s.TopPieces)) { Text = s.Piece?.Text, Bytes = s.Piece?.Bytes });
            }
        }
        var finish = output.FinishReason switch
        {
            EngineFinish.Stop => "stop",
            EngineFinish.Length => "length",
            EngineFinish.Abort => "abort",
            _ => null,
        };
        StopReason? stopReason = output.StopString is { } text ? StopReason.OfText(text)
            : output.StopTokenId is { } id ? StopReason.OfToken(id)
            : null;
        return new GenerationChunk(output.Choice, output.Text, output.TokenIds, logprobs, finish, stopReason, output.Seed)
        {
            PromptLogprobs = output.PromptLogprobs?.Select(p => p is null ? null
                : new PromptTokenLogprob(p.TokenId, p.Logprob, p.Rank, Tops(p.Top, p.TopPieces))).ToArray(),
            PromptTokenTexts = output.PromptPieces?.Select(p => p.Text).ToArray(),
        };
    }

    // the engine's alternatives with their texts in context, when it detokenized them
    private static TopLogprob[] Tops(IReadOnlyList<Engine.Sampling.TokenLogprob> top, IReadOnlyList<Engine.Output.TokenPiece>? pieces)
    {
        var result = new TopLogprob[top.Count];
        for (var i = 0; i < top.Count; i++)
        {
            var piece = pieces is not null && i < pieces.Count ? pieces[i] : null;
            result[i] = new TopLogprob(top[i].TokenId, top[i].Logprob) { Text = piece?.Text, Bytes = piece?.Bytes };
        }
        return result;
    }

    private LoadedModel Get(string model) =>
        _models.TryGetValue(model, out var loaded) || _loras.TryGetValue(model, out loaded)
            ? loaded
            : throw new ArgumentException($"Unknown model '{model}'.", nameof(model));

    public void Dispose()
    {
        foreach (var model in _models.Values)
        {
            model.Dispose();
        }
    }
}
