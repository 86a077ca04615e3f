using System.Runtime.CompilerServices;
using Engine.Generation;
using Engine.Sampling;
using Server.Hosting;
using EngineFinish = Engine.Scheduling.FinishReason;

namespace Server.Generation;

/// <summary>
/// The real engine behind <see cref="IModelHost"/>: one <see cref="LoadedModel"/> per served name. Requests arrive
/// with the <see cref="SamplingParams"/> the server parsed; what the engine still refuses (beam search, a prompt past
/// the context) becomes <see cref="GenerationRejectedException"/> (400), and engine outputs become <see cref="GenerationChunk"/>s.
/// </summary>
public sealed class EngineModelHost : IModelHost, IDisposable
{
    /// <summary>The served name of the built-in model when <c>engine serve</c> gets no <c>--model</c>.</summary>
    public const string BuiltinName = Engine.Model.BuiltinModel.Name;

    private readonly Dictionary<string, LoadedModel> _models;

    public EngineModelHost(IEnumerable<LoadedModel> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        _models = models.ToDictionary(m => m.Card.Id, StringComparer.Ordinal);
        Models = [.. _models.Values.Select(m => m.Card)];
    }

    /// <summary>Loads every <c>--model NAME=DIR</c> of <paramref name="settings"/>, or the built-in model when there is none.</summary>
    public static EngineModelHost Load(EngineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = new EngineOptions();
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
            if (settings.Models.Count == 0)
            {
                loaded.Add(LoadedModel.Load(BuiltinName, null, options, settings.ChatTemplatePath));
            }
            foreach (var (name, directory) in settings.Models)
            {
                loaded.Add(LoadedModel.Load(name, directory, options, settings.ChatTemplatePath));
            }
            return new EngineModelHost(loaded);
        }
        catch
        {
            loaded.ForEach(m => m.Dispose());
            throw;
        }
    }

    public IReadOnlyList<ServedModel> Models { get; }

    public bool IsReady => true;

    public EngineStats Stats
    {
        get
        {
            int running = 0, waiting = 0, used = 0, total = 0;
            foreach (var model in _models.Values)
            {
                var core = model.Engine.Core;
                running += core.NumRunningRequests;
                waiting += core.NumUnfinishedRequests - core.NumRunningRequests;
                used += core.NumBlocks - core.NumFreeBlocks;
                total += core.NumBlocks;
            }
            return new EngineStats(running, waiting, used, total);
        }
    }

    public IReadOnlyList<int> Tokenize(string model, string text, bool addSpecialTokens) =>
        Get(model).Tokenizer.Encode(text, addSpecialTokens);

    public string Detokenize(string model, IReadOnlyList<int> tokenIds, bool skipSpecialTokens) =>
        Get(model).Tokenizer.Decode([.. tokenIds], skipSpecialTokens);

    public string TokenText(string model, int tokenId) => Get(model).Tokenizer.Decode([tokenId]);

    public string RenderChat(string model, ChatRenderRequest request) => Get(model).RenderChat(request);

    public async IAsyncEnumerable<GenerationChunk> Generate(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = Get(request.Model);
        // the server resolved min_tokens against the prompt (min_total_tokens), as it did max_tokens
        var engineRequest = new EngineRequest(request.PromptTokenIds, request.Sampling with { MinTokens = request.MinTokens }, request.MaxTokens);
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
                logprobs.Add(new TokenLogprob(s.TokenId, s.Logprob, [.. s.Top.Select(t => new TopLogprob(t.TokenId, t.Logprob))]));
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
                : new PromptTokenLogprob(p.TokenId, p.Logprob, p.Rank, [.. p.Top.Select(t => new TopLogprob(t.TokenId, t.Logprob))])).ToArray(),
        };
    }

    private LoadedModel Get(string model) =>
        _models.TryGetValue(model, out var loaded) ? loaded : throw new ArgumentException($"Unknown model '{model}'.", nameof(model));

    public void Dispose()
    {
        foreach (var model in _models.Values)
        {
            model.Dispose();
        }
    }
}
