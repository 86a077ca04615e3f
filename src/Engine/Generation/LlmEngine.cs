using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Execution;
using Engine.KvCache;
using Engine.Lora;
using Engine.Model;
using Engine.Sampling;
using Engine.Scheduling;
using Engine.Tokenization;
using Loader.Adapters;

namespace Engine.Generation;

/// <summary>
/// The engine's front door: tokenised requests in, a stream of tokens out. Builds the backend, model, KV cache,
/// scheduler, runner and <see cref="EngineCore"/> thread; each <see cref="Submit"/> gets its own channel, and
/// cancelling the token aborts the request and frees its blocks at the next step.
/// </summary>
public sealed partial class LlmEngine : IDisposable
{
    private readonly IBackend _backend;
    private readonly SamplerSetup _samplerSetup;
    // the default scratch of every sequence's sampler: the runner's BatchSampler brings one per worker, and beams
    // record their candidates on the core thread one at a time
    private readonly SamplerWorkspace _samplerWorkspace;
    private readonly string[] _loraNames;
    private readonly LoraAdapter[] _loraAdapters;
    private long _nextId;

    private LlmEngine(ModelConfig config, IBackend backend, EngineCore core, Tokenizer? tokenizer, string[] loraNames, LoraAdapter[] loraAdapters)
    {
        Config = config;
        _backend = backend;
        _loraNames = loraNames;
        _loraAdapters = loraAdapters;
        Core = core;
        Tokenizer = tokenizer;
        _samplerSetup = new SamplerSetup(config.VocabSize, config.EosTokenIds)
        {
            TokenizerVocabSize = tokenizer is null ? null : Math.Min(tokenizer.VocabSize, config.VocabSize),
            Encode = tokenizer is null ? null : text => tokenizer.Encode(text, addSpecialTokens: false),
            Tokenizer = tokenizer,
        };
        _samplerWorkspace = new SamplerWorkspace(config.VocabSize);
    }

    public ModelConfig Config { get; }

    /// <summary>The model's tokenizer (text output, stop strings, <c>bad_words</c>); null for token-only use.</summary>
    public Tokenizer? Tokenizer { get; }

    /// <summary>What the samplers know about the model (vocabulary, EOS ids, the tokenizer's encoder).</summary>
    public SamplerSetup SamplerSetup => _samplerSetup;

    public EngineCore Core { get; }

    public string BackendName => _backend.Name;

    /// <summary>
    /// Builds an engine on the backend of <see cref="EngineOptions.Device"/> (owned and disposed by the engine; see
    /// <see cref="CreateBackend"/>).
    /// </summary>
    public static LlmEngine Create(ModelConfig config, Weights weights, EngineOptions? options = null, Tokenizer? tokenizer = null)
    {
        options ??= new EngineOptions();
        var backend = CreateBackend(options, weights);
        try
        {
            return Create(config, weights, backend, options, tokenizer);
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Builds an engine on <paramref name="backend"/> (owned from here on). Throws <see cref="LoraFormatException"/>
    /// naming the adapter, file and tensor when one of <see cref="EngineOptions.LoraAdapters"/> does not fit the model.
    /// </summary>
    public static LlmEngine Create(ModelConfig config, Weights weights, IBackend backend, EngineOptions options, Tokenizer? tokenizer = null)
    {
        config.Validate();
        var adapters = OpenAdapters(options.LoraAdapters);
        try
        {
            return Create(config, weights, backend, options, tokenizer, adapters);
        }
        catch
        {
            Array.ForEach(adapters, a => a.Dispose());
            throw;
        }
    }

    private static LlmEngine Create(ModelConfig config, Weights weights, IBackend backend, EngineOptions options, Tokenizer? tokenizer, LoraAdapter[] adapters)
    {
        var llamaWeights = LlamaWeights.Bind(config, weights);
        var adapterSet = UploadAdapters(config, backend, options.LoraAdapters, adapters);
        // prompt logprobs compute every prompt row's logits, in windows that each read the classifier once
        var maxLogitRows = Math.Min(options.MaxNumBatchedTokens, options.PromptLogitsWindowBytes / (sizeof(float) * config.VocabSize));
        var model = new LlamaModel(config, llamaWeights, backend, options.MaxNumBatchedTokens, options.MaxNumSeqs, adapterSet, maxLogitRows);
        var numBlocks = KvCacheBlocks(config, backend, options);
        var kv = new KvCacheManager(numBlocks, options.BlockSize, options.EnablePrefixCaching);
        var cache = model.AllocateKvCache(numBlocks, options.BlockSize);
        var allowMerged = options.AllowMergedLora && adapterSet is not null;
        var merges = allowMerged ? new LoraMergeCache(config, weights, backend, adapterSet!, options.LoraMergeInBackground) : null;
        // a step's sequences are sampled in parallel on the CPU backend's threads, idle once the forward is done
        var sampler = new BatchSampler(config.VocabSize, backend is CpuBackend cpu ? cpu.Pool : null);
        var deviceSampler = !options.DeviceSampling ? null
            : options.DeviceSamplerFactory is { } factory ? new DeviceStepSampler(factory(backend, options.MaxNumSeqs, config.VocabSize, config.MaxContext + 1))
            : backend is IDeviceSamplingBackend sampling ? new DeviceStepSampler(sampling.CreateSampler(options.MaxNumSeqs, config.VocabSize, config.MaxContext + 1))
            : null;
        var runner = new ModelRunner(model, kv, cache, merges, sampler, deviceSampler);
        var scheduler = new Scheduler(new SchedulerConfig(options.MaxNumBatchedTokens, options.MaxNumSeqs, config.MaxContext), kv,
            new LoraExecutionPolicy(allowMerged, options.LoraMergeAfterSteps));
        return new LlmEngine(config, backend, new EngineCore(scheduler, runner, kv), tokenizer, [.. options.LoraAdapters.Select(a => a.Name)], adapters);
    }

    /// <summary>
    /// Queues one sequence and returns the reader of its tokens, sampled with its own seeded
    /// <see cref="SequenceSampler"/> and finished by its <see cref="StopConditions"/>; the channel completes after the
    /// token carrying the finish reason, or when the request is aborted through <paramref name="cancellationToken"/>.
    /// Throws <see cref="PromptTooLongException"/> when the prompt exceeds the context, and
    /// <see cref="ArgumentOutOfRangeException"/> for a token id outside the vocabulary.
    /// </summary>
    public ChannelReader<GenerationOutput> Submit(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var prompt = request.PromptTokenIds;
        CheckPrompt(prompt);
        var id = NextRequestId();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.MaxTokens);
        if (request.LoraId < -1 || request.LoraId >= _loraNames.Length || !float.IsFinite(request.LoraMultiplier))
        {
            throw new ArgumentOutOfRangeException(nameof(request),
                $"LoRA adapter id {request.LoraId} (−1 or 0..{_loraNames.Length - 1}) with multiplier {request.LoraMultiplier} (must be finite).");
        }
        var sampler = new SequenceSampler(new SamplerChain(request.Sampling, _samplerSetup), request.Seed, request.Choice, _samplerWorkspace);
        // the last sampled token is never fed back, so a sequence may end one token past the context
        var stop = new StopConditions(request.Sampling, Config.EosTokenIds, request.MaxTokens, Config.MaxContext + 1);
        var engineRequest = new Request(id, prompt, sampler, stop, request.Sampling.Logprobs ?? -1)
        {
            NumPromptLogprobs = request.Sampling.PromptLogprobs ?? -1,
            LoraId = request.LoraId,
            LoraMultiplier = request.LoraMultiplier,
        };
        return Enqueue(engineRequest, cancellationToken);
    }

    private RequestId NextRequestId() => new(Interlocked.Increment(ref _nextId));

    // Posts a request to the core; cancelling the token aborts it (for a beam search: every beam of it).
    private ChannelReader<GenerationOutput> Enqueue(Request engineRequest, CancellationToken cancellationToken)
    {
        var id = engineRequest.Id;
        var channel = Channel.CreateUnbounded<GenerationOutput>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() => Core.Abort(id));
            _ = channel.Reader.Completion.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }
        Core.Add(engineRequest, channel.Writer);
        return channel.Reader;
    }

    private void CheckPrompt(IReadOnlyList<int> prompt)
    {
        if (prompt.Count > Config.MaxContext)
        {
            throw new PromptTooLongException(prompt.Count, Config.MaxContext);
        }
        foreach (var token in prompt)
        {
            if ((uint)token >= (uint)Config.VocabSize)
            {
                throw new ArgumentOutOfRangeException(nameof(prompt), token, $"Prompt token id {token} is outside the vocabulary (0..{Config.VocabSize - 1}).");
            }
        }
    }

    /// <summary>Streams the request's tokens; breaking out of the loop or cancelling aborts the request.</summary>
    public async IAsyncEnumerable<GenerationOutput> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = Submit(request, linked.Token);
        try
        {
            await foreach (var output in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return output;
            }
        }
        finally
        {
            // an early break (or an exception in the consumer) leaves the request running: abort it
            if (!reader.Completion.IsCompleted)
            {
                await linked.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    public void Dispose()
    {
        Core.Dispose();
        // after the core thread stopped: cancels a background merge and waits for it, before the weights go away
        Core.Runner.LoraMerges?.Dispose();
        _backend.Dispose();
        Array.ForEach(_loraAdapters, a => a.Dispose());
    }
}
