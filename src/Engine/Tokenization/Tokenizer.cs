using Engine.Output;
using Loader.Tokenizers;

namespace Engine.Tokenization;

/// <summary>The engine's one tokenizer. A Hugging Face tokenizer.json (BPE family: byte-level as in Llama 3/Qwen,
/// or SentencePiece-style with byte fallback as in Llama 2/Gemma) runs on our own pipeline and encodes and
/// decodes exactly as the <c>tokenizers</c> library does; the files that pipeline does not read (a SentencePiece
/// or tiktoken <c>tokenizer.model</c>, a <c>*.tiktoken</c>, a Unigram tokenizer.json) run on
/// Microsoft.ML.Tokenizers behind the same members (see <c>Tokenizer.Library.cs</c>). For .NET code that takes
/// ML.Tokenizers' <c>Tokenizer</c>, wrap it in <see cref="Standard.StandardTokenizer"/>.
/// Thread-safe: encode and decode may run concurrently.</summary>
/// <remarks>The pipeline of <c>encode</c>: added tokens are cut out of the raw text (leftmost-longest), each
/// remaining segment is normalized, normalized added tokens are cut out of it, the pre-tokenizer splits it into
/// words, the BPE model turns each word into ids, and the post-processor adds its template tokens when
/// <c>addSpecialTokens</c>. <see cref="EncodeWithOffsets"/> also reports what each token covers; truncation and
/// padding are not implemented.</remarks>
public sealed partial class Tokenizer
{
    private readonly BpeModel _model;
    private readonly AddedVocabulary _added;
    private readonly Normalizer? _normalizer;
    private readonly PreTokenizer? _preTokenizer;
    private readonly PostProcessor _postProcessor;
    private readonly Decoder? _decoder;
    private readonly bool[] _byteFallbackTokens;
    private readonly Gpt4StyleScanner? _fastScanner;

    private Tokenizer(TokenizerJsonFile file, TokenizerConfigFile? config)
    {
        _model = new BpeModel(file.Model, file.Source);
        _normalizer = Normalizer.Create(file.Normalizer);
        _preTokenizer = PreTokenizer.Create(file.PreTokenizer);
        _postProcessor = PostProcessor.Create(file.PostProcessor);
        _decoder = Decoder.Create(file.Decoder);
        _fastScanner = _preTokenizer?.FastByteLevelScanner;
        _added = new AddedVocabulary(file.AddedTokens, _normalizer);
        _byteFallbackTokens = new bool[Math.Max(_model.MaxId, _added.MaxId) + 1];
        if (_decoder?.UsesByteFallback == true)
        {
            for (var id = 0; id < _byteFallbackTokens.Length; id++)
            {
                _byteFallbackTokens[id] = IdToToken(id) is { Length: 6 } t && t.StartsWith("<0x", StringComparison.Ordinal) && t[5] == '>';
            }
        }
        Config = config;
        VocabSize = Math.Max(_model.MaxId, _added.MaxId) + 1;
    }

    /// <summary>Reads a model folder's tokenizer and, when present, <c>tokenizer_config.json</c>: a BPE
    /// <c>tokenizer.json</c> with our own pipeline; a Unigram tokenizer.json, a SentencePiece or tiktoken
    /// <c>tokenizer.model</c>, or a <c>*.tiktoken</c> file through Microsoft.ML.Tokenizers (tokenizer.json wins
    /// where several exist, as in transformers; see <see cref="TokenizerFiles"/>).</summary>
    public static Tokenizer FromDirectory(string dir)
    {
        var (kind, path) = TokenizerFiles.Locate(dir);
        var configPath = Path.Combine(dir, "tokenizer_config.json");
        var config = File.Exists(configPath) ? TokenizerConfigFile.Read(configPath) : null;
        return Load(kind, path, config);
    }

    public static Tokenizer FromJson(string tokenizerJson, string? tokenizerConfigJson = null) =>
        new(TokenizerJsonFile.Parse(tokenizerJson),
            tokenizerConfigJson is null ? null : TokenizerConfigFile.Parse(tokenizerConfigJson));

    /// <summary>The highest id of the model vocabulary or the added tokens, plus one.</summary>
    public int VocabSize { get; }

    /// <summary>tokenizer_config.json's values (chat template, special token strings), when it was given.</summary>
    public TokenizerConfigFile? Config { get; }

    public string? BosToken => Config?.BosToken;

    public string? EosToken => Config?.EosToken;

    /// <summary>Token ids of <paramref name="text"/>. Added tokens in the text (special or not) are always matched;
    /// <paramref name="addSpecialTokens"/> only controls the post-processor's template (e.g. a leading BOS).</summary>
    public int[] Encode(string text, bool addSpecialTokens = true) => Encode(text, addSpecialTokens, specialAt: null);

    /// <summary>As <see cref="Encode(string, bool)"/>, but a special token's text at char offset <c>i</c> of
    /// <paramref name="text"/> is its id only where <paramref name="specialAt"/>(i) is true; elsewhere it is
    /// encoded as ordinary text (llama.cpp's parse_special = false; HF's split_special_tokens). Null: always its id.</summary>
    public int[] Encode(string text, bool addSpecialTokens, Func<int, bool>? specialAt)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_library is not null)
        {
            return _library.Encode(text, addSpecialTokens);
        }
        var ids = new List<int>(text.Length / 3 + 4);
        var rawSpans = new List<(int Start, int End, int Id)>();
        var normalizedSpans = new List<(int Start, int End, int Id)>();
        var pieces = new List<PreToken>();
        _added.SplitRaw(text, rawSpans);
        if (specialAt is not null)
        {
            KeepSpecialsOnlyWhere(rawSpans, specialAt);
        }
        foreach (var (start, end, id) in rawSpans)
        {
            if (id >= 0)
            {
                ids.Add(id);
                continue;
            }
            var segment = text[start..end];
            var normalized = _normalizer?.Normalize(segment) ?? segment;
            normalizedSpans.Clear();
            _added.SplitNormalized(normalized, normalizedSpans);
            foreach (var (nStart, nEnd, nId) in normalizedSpans)
            {
                if (nId >= 0)
                {
                    ids.Add(nId);
                    continue;
                }
                if (_fastScanner is not null)
                {
                    EncodeByteLevelWords(normalized.AsSpan(nStart, nEnd - nStart), ids);
                    continue;
                }
                pieces.Clear();
                pieces.Add(new PreToken(normalized[nStart..nEnd], start == 0 && nStart == 0));
                _preTokenizer?.PreTokenize(pieces);
                foreach (var piece in pieces)
                {
                    _model.Tokenize(piece.Text, ids);
                }
            }
        }
        return _postProcessor.Apply(ids, addSpecialTokens);
    }

    // A special match that must stay text joins the text around it, so the text encodes as one segment.
    private void KeepSpecialsOnlyWhere(List<(int Start, int End, int Id)> spans, Func<int, bool> specialAt)
    {
        var merged = new List<(int Start, int End, int Id)>(spans.Count);
        foreach (var span in spans)
        {
            var id = span.Id >= 0 && _added.IsSpecialId(span.Id) && !specialAt(span.Start) ? -1 : span.Id;
            if (id < 0 && merged.Count > 0 && merged[^1].Id < 0 && merged[^1].End == span.Start)
            {
                merged[^1] = (merged[^1].Start, span.End, -1);
                continue;
            }
            merged.Add((span.Start, span.End, id));
        }
        spans.Clear();
        spans.AddRange(merged);
    }

    /// <summary>The texts of the added tokens flagged special (what <c>parse_special = false</c> keeps literal).</summary>
    public IEnumerable<string> SpecialTokenTexts => _added.SpecialContents;

    /// <summary>The fast path of Llama 3 / Qwen pre-tokenization: scan words on the span, map each word's UTF-8
    /// bytes to the byte-level alphabet in a stack buffer, and look it up without allocating.</summary>
    private void EncodeByteLevelWords(ReadOnlySpan<char> text, List<int> ids)
    {
        Span<byte> utf8 = stackalloc byte[256];
        Span<char> mapped = stackalloc char[256];
        var i = 0;
        while (i < text.Length)
        {
            var end = _fastScanner!.MatchAt(text, i);
            var word = text[i..end];
            i = end;
            if (word.Length * 3 > utf8.Length)
            {
                _model.Tokenize(ByteLevelAlphabet.Encode(word), ids);
                continue;
            }
            var count = System.Text.Encoding.UTF8.GetBytes(word, utf8);
            for (var b = 0; b < count; b++)
            {
                mapped[b] = ByteLevelAlphabet.ByteToChar[utf8[b]];
            }
            _model.Tokenize(mapped[..count], ids);
        }
    }

    /// <summary>The text of <paramref name="ids"/> through the tokenizer.json decoder (ids unknown to the vocabulary
    /// are skipped; with <paramref name="skipSpecialTokens"/>, added tokens flagged special are dropped). Without a
    /// decoder the token strings are joined with spaces, as HF does.</summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        if (_library is not null)
        {
            return _library.Decode(ids, skipSpecialTokens);
        }
        var tokens = new List<string>(ids.Length);
        foreach (var id in ids)
        {
            var token = _added.IdToToken(id) ?? _model.IdToToken(id);
            if (token is null || (skipSpecialTokens && _added.IsSpecialContent(token)))
            {
                continue;
            }
            tokens.Add(token);
        }
        if (_decoder is null)
        {
            return string.Join(' ', tokens);
        }
        _decoder.DecodeChain(tokens);
        return string.Concat(tokens);
    }

    /// <summary>The token string of an id (added tokens first, then the model vocabulary), or null.</summary>
    public string? IdToToken(int id) => _library is not null ? _library.IdToToken(id) : _added.IdToToken(id) ?? _model.IdToToken(id);

    public int? TokenToId(string token) => _library is not null ? _library.TokenToId(token) : _added.TokenToId(token) ?? _model.TokenToId(token);

    /// <summary>Whether the id is an added token flagged <c>special</c>.</summary>
    public bool IsSpecial(int id) => _library?.IsSpecial(id) ?? _added.IsSpecialId(id);

    /// <summary>Whether the decoder turns this id's <c>&lt;0xNN&gt;</c> token into a raw byte (ByteFallback).</summary>
    internal bool IsByteFallbackToken(int id) =>
        _library?.IsByteFallbackToken(id) ?? ((uint)id < (uint)_byteFallbackTokens.Length && _byteFallbackTokens[id]);

    /// <summary>Whether the decoder maps token strings through the byte-level alphabet (GPT-2 / Llama 3 style).</summary>
    internal bool DecodesByteLevel => _library?.DecodesByteLevel ?? _decoder?.UsesByteLevel == true;

    /// <summary>A streaming detokenizer whose concatenated deltas equal <see cref="Decode"/> of all ids added.</summary>
    public IncrementalDetokenizer CreateDetokenizer(bool skipSpecialTokens = false) => new(this, skipSpecialTokens);

    /// <summary>A streaming detokenizer for text that follows <paramref name="context"/> (a prompt): its deltas are
    /// what the ids add to the context's text, so a first token keeps the space that decoding it alone would drop.</summary>
    public IncrementalDetokenizer CreateDetokenizer(IReadOnlyList<int> context, bool skipSpecialTokens = false) =>
        new(this, skipSpecialTokens, context);

    /// <summary>The bytes one token stands for: a byte-level token's bytes, a <c>&lt;0xNN&gt;</c> token's byte, or
    /// else the UTF-8 of <paramref name="textInContext"/> (its text where it stands, e.g. a SentencePiece piece with its space).</summary>
    public byte[] TokenBytes(int id, string textInContext)
    {
        ArgumentNullException.ThrowIfNull(textInContext);
        var token = IdToToken(id);
        if (token is not null && IsByteFallbackToken(id))
        {
            return [byte.Parse(token.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture)];
        }
        if (token is not null && DecodesByteLevel && _added.IdToToken(id) is null)
        {
            var bytes = new byte[token.Length];
            for (var i = 0; i < token.Length; i++)
            {
                var b = ByteLevelAlphabet.ByteOf(token[i]);
                if (b < 0)
                {
                    return System.Text.Encoding.UTF8.GetBytes(textInContext);
                }
                bytes[i] = (byte)b;
            }
            return bytes;
        }
        return System.Text.Encoding.UTF8.GetBytes(textInContext);
    }
}
