using Engine.Generation;
using Engine.Tests.Model;
using Server.Generation;

namespace Server.Tests.Fakes;

/// <summary>
/// One real engine host serving both tokenizer families: <c>aidreams</c> (aidreams260K, SentencePiece-style with
/// byte fallback, no chat template) and <c>llama3-tiny</c> (a tiny random model over llama3's byte-level BPE, with
/// llama3's chat template and a 2048-token context). Shared by a test class; dispose it after.
/// </summary>
public sealed class TwoTokenizerFamilies : IDisposable
{
    public const string Aidreams = "aidreams";
    public const string Llama3 = "llama3-tiny";

    public TwoTokenizerFamilies()
    {
        var options = new EngineOptions { Threads = 2, MaxNumSeqs = 8 };
        Loaded =
        [
            LoadedModel.Load(Aidreams, Aidreams260KModel.Directory, options, chatTemplatePath: null),
            LoadedModel.Create(Llama3, Llama3TinyModel.Config, Llama3TinyModel.Weights, Llama3TinyModel.Tokenizer, options),
        ];
        Host = new EngineModelHost(Loaded);
        LiteralSpecialHost = new EngineModelHost(Loaded, parseSpecial: false);
    }

    private IReadOnlyList<LoadedModel> Loaded { get; }

    public EngineModelHost Host { get; }

    /// <summary>The same models served with <c>--no-parse-special</c> (not disposed: <see cref="Host"/> owns the models).</summary>
    public EngineModelHost LiteralSpecialHost { get; }

    public static TheoryData<string> Models => new() { Aidreams, Llama3 };

    /// <summary>A chat template for aidreams260K, which has none (a plain transcript).</summary>
    public const string PlainTemplate = "{% for m in messages %}{{ m.content }}\n{% endfor %}";

    public void Dispose() => Host.Dispose();
}
