using Loader.Tokenizers;
using Ml = Microsoft.ML.Tokenizers;

namespace Engine.Tokenization;

public sealed partial class Tokenizer
{
    // Set when the folder's tokenizer is a file our pipeline does not read; the tokenizer.json pipeline fields
    // then hold an empty pipeline and every member answers from here.
    private readonly LibraryTokenizer? _library;

    private const string EmptyPipelineJson = """{"model":{"type":"BPE","vocab":{},"merges":[]}}""";

    private Tokenizer(LibraryTokenizer library, TokenizerConfigFile? config)
        : this(TokenizerJsonFile.Parse(EmptyPipelineJson, "(empty pipeline)"), config)
    {
        _library = library;
        VocabSize = library.VocabSize;
    }

    /// <summary>Which file this tokenizer was read from.</summary>
    public TokenizerFileKind FileKind { get; private init; } = TokenizerFileKind.TokenizerJson;

    /// <summary>Microsoft.ML.Tokenizers' own tokenizer, when the file was one it reads for us (else null).</summary>
    public Ml.Tokenizer? Library => _library?.Inner;

    private static Tokenizer Load(TokenizerFileKind kind, string path, TokenizerConfigFile? config) => kind switch
    {
        TokenizerFileKind.TokenizerJson => new Tokenizer(TokenizerJsonFile.Read(path), config),
        TokenizerFileKind.UnigramTokenizerJson => new Tokenizer(Guarded(path, () => LibraryTokenizer.SentencePiece.Create(
            specials => Read(path, s => Ml.SentencePieceTokenizer.CreateFromTokenizerJson(s, false, false, specials)), config,
            PostProcessor.Create(TokenizerFiles.PostProcessorOf(path)))), config) { FileKind = kind },
        TokenizerFileKind.SentencePieceModel => new Tokenizer(Guarded(path, () => LibraryTokenizer.SentencePiece.Create(
            specials => Read(path, s => Ml.SentencePieceTokenizer.Create(s, false, false, specials)), config)), config) { FileKind = kind },
        TokenizerFileKind.Tiktoken => new Tokenizer(Guarded(path, () => TiktokenLibrary(path, config)), config) { FileKind = kind },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static LibraryTokenizer TiktokenLibrary(string path, TokenizerConfigFile? config)
    {
        var ranks = TiktokenFile.Read(path);
        var pattern = TiktokenFile.PatternFor(ranks.Count);
        return LibraryTokenizer.Tiktoken.Create(ranks, specials => Read(path, s => Ml.TiktokenTokenizer.Create(
            s, new Ml.RegexPreTokenizer(new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.Compiled), specials), null, specials)), config);
    }

    private static T Read<T>(string path, Func<Stream, T> create)
    {
        using var stream = File.OpenRead(path);
        return create(stream);
    }

    // The library throws its own exception types for a malformed file; name the file.
    private static LibraryTokenizer Guarded(string path, Func<LibraryTokenizer> create)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (e is not TokenizerFormatException and not IOException and not OutOfMemoryException)
        {
            throw new TokenizerFormatException($"{path}: Microsoft.ML.Tokenizers could not read it ({e.GetType().Name}: {e.Message}).", e);
        }
    }
}
