using Loader.Tokenizers;
using Ml = Microsoft.ML.Tokenizers;

namespace Engine.Tokenization;

/// <summary>A tokenizer file our own pipeline does not read (a SentencePiece <c>tokenizer.model</c>, a Unigram
/// tokenizer.json, a tiktoken vocabulary), run by Microsoft.ML.Tokenizers behind <see cref="Tokenizer"/>.</summary>
/// <remarks>The library encodes and decodes; this class adds what the engine needs around it, as transformers
/// does for such files: the special tokens of tokenizer_config.json (matched in text, dropped by
/// <c>skipSpecialTokens</c>), BOS/EOS by <c>add_bos_token</c>/<c>add_eos_token</c>, and a token string per id
/// for guided decoding and streaming (a tiktoken token's bytes in the byte-level alphabet, as Hugging Face's
/// conversion writes them).</remarks>
internal abstract class LibraryTokenizer
{
    private readonly int[] _prefix;
    private readonly int[] _suffix;
    private readonly Dictionary<int, string> _specialById;
    private readonly HashSet<int> _specialIds;

    protected LibraryTokenizer(Ml.Tokenizer inner, Dictionary<string, int> specialTokens, IEnumerable<int> specialIds, int[] prefix, int[] suffix)
    {
        Inner = inner;
        SpecialTokens = specialTokens;
        _specialById = specialTokens.ToDictionary(p => p.Value, p => p.Key);
        _specialIds = [.. specialIds];
        _prefix = prefix;
        _suffix = suffix;
    }

    /// <summary>The library's tokenizer (the yardstick in tests and benchmarks).</summary>
    public Ml.Tokenizer Inner { get; }

    /// <summary>Added tokens matched in the text: content → id.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens { get; }

    public abstract int VocabSize { get; }

    public virtual bool DecodesByteLevel => false;

    public virtual bool IsByteFallbackToken(int id) => false;

    public bool IsSpecial(int id) => _specialIds.Contains(id);

    public string? IdToToken(int id) => _specialById.TryGetValue(id, out var s) ? s : ModelToken(id);

    public int? TokenToId(string token) => SpecialTokens.TryGetValue(token, out var id) ? id : ModelTokenId(token);

    protected abstract string? ModelToken(int id);

    protected abstract int? ModelTokenId(string token);

    /// <summary>Ids of the text without BOS/EOS (special tokens in it are matched).</summary>
    protected abstract IReadOnlyList<int> EncodeText(string text);

    /// <summary>Tokens of the text without BOS/EOS, with the library's offsets into the returned normalized text.</summary>
    protected abstract IReadOnlyList<Ml.EncodedToken> EncodeTextToTokens(string text, bool normalize, out string? normalizedText);

    public int[] Encode(string text, bool addSpecialTokens)
    {
        var ids = EncodeText(text);
        if (!addSpecialTokens || _prefix.Length + _suffix.Length == 0)
        {
            return [.. ids];
        }
        return [.. _prefix, .. ids, .. _suffix];
    }

    public string EncodeWithOffsets(string text, bool addSpecialTokens, List<TokenSpan> output, bool normalize)
    {
        output.Clear();
        var tokens = EncodeTextToTokens(text, normalize, out var normalizedText);
        var normalized = normalizedText ?? text;
        if (addSpecialTokens)
        {
            foreach (var id in _prefix)
            {
                output.Add(new TokenSpan(id, 0, 0));
            }
        }
        foreach (var t in tokens)
        {
            var (start, length) = t.Offset.GetOffsetAndLength(normalized.Length);
            output.Add(new TokenSpan(t.Id, start, start + length));
        }
        if (addSpecialTokens)
        {
            foreach (var id in _suffix)
            {
                output.Add(new TokenSpan(id, normalized.Length, normalized.Length));
            }
        }
        return normalized;
    }

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens)
    {
        var kept = new List<int>(ids.Length);
        foreach (var id in ids)
        {
            if ((uint)id < (uint)VocabSize && !(skipSpecialTokens && IsSpecial(id)))
            {
                kept.Add(id);
            }
        }
        return DecodeIds(kept);
    }

    /// <summary>The library's decode of ids that are all to be shown (special tokens included).</summary>
    protected virtual string DecodeIds(List<int> ids) => Inner.Decode(ids);

    /// <summary>The special tokens of tokenizer_config.json: its <c>added_tokens_decoder</c>, plus its BOS, EOS and
    /// unk strings where the vocabulary has them.</summary>
    protected static Dictionary<string, int> ConfigSpecialTokens(TokenizerConfigFile? config, Func<string, int?> vocabId, out List<int> specialIds)
    {
        var tokens = new Dictionary<string, int>(StringComparer.Ordinal);
        specialIds = [];
        if (config is null)
        {
            return tokens;
        }
        foreach (var entry in config.AddedTokens)
        {
            tokens[entry.Content] = entry.Id;
            if (entry.Special)
            {
                specialIds.Add(entry.Id);
            }
        }
        foreach (var named in new[] { config.BosToken, config.EosToken, config.UnkToken })
        {
            if (named is not null && !tokens.ContainsKey(named) && vocabId(named) is { } id)
            {
                tokens[named] = id;
                specialIds.Add(id);
            }
        }
        return tokens;
    }

    protected static int[] Ids(params int?[] ids) => [.. ids.Where(i => i is not null).Select(i => i!.Value)];

    /// <summary>A SentencePiece model (BPE or Unigram) from a <c>tokenizer.model</c> or a Unigram tokenizer.json.</summary>
    public sealed class SentencePiece : LibraryTokenizer
    {
        private readonly Ml.SentencePieceTokenizer _sp;
        private readonly string?[] _pieces;
        private readonly bool[] _bytePieces;

        private SentencePiece(Ml.SentencePieceTokenizer sp, Dictionary<string, int> specials, List<int> specialIds, int[] prefix, int[] suffix, string?[] pieces)
            : base(sp, specials, specialIds, prefix, suffix)
        {
            _sp = sp;
            _pieces = pieces;
            _bytePieces = [.. pieces.Select(p => sp.ByteFallback && p is { Length: 6 } && p.StartsWith("<0x", StringComparison.Ordinal) && p[5] == '>')];
        }

        /// <param name="create">Builds the library tokenizer with the given special tokens (no BOS/EOS: added here).</param>
        /// <param name="template">The BOS/EOS a tokenizer.json's post-processor adds; null for a tokenizer.model, which
        /// follows <c>add_bos_token</c> (default true, as transformers' LlamaTokenizer) and <c>add_eos_token</c>.</param>
        public static SentencePiece Create(Func<IReadOnlyDictionary<string, int>?, Ml.SentencePieceTokenizer> create, TokenizerConfigFile? config,
            PostProcessor? template = null)
        {
            var probe = create(null);
            var vocab = probe.Vocabulary;
            var specials = ConfigSpecialTokens(config, t => vocab.TryGetValue(t, out var id) ? id : null, out var specialIds);
            var sp = specials.Count == 0 ? probe : create(specials);
            specialIds.AddRange([sp.BeginningOfSentenceId, sp.EndOfSentenceId, sp.UnknownId]);
            var pieces = new string?[Math.Max(vocab.Count == 0 ? 0 : vocab.Values.Max() + 1, specials.Count == 0 ? 0 : specials.Values.Max() + 1)];
            foreach (var (piece, id) in vocab)
            {
                pieces[id] = piece;
            }
            if (template is not null)
            {
                return new SentencePiece(sp, specials, specialIds, template.Prefix, template.Suffix, pieces);
            }
            var bos = config?.AddBosToken ?? true ? sp.BeginningOfSentenceId : (int?)null;
            var eos = config?.AddEosToken ?? false ? sp.EndOfSentenceId : (int?)null;
            return new SentencePiece(sp, specials, specialIds, Ids(bos), Ids(eos), pieces);
        }

        public override int VocabSize => _pieces.Length;

        public override bool IsByteFallbackToken(int id) => (uint)id < (uint)_bytePieces.Length && _bytePieces[id];

        protected override string? ModelToken(int id) => (uint)id < (uint)_pieces.Length ? _pieces[id] : null;

        protected override int? ModelTokenId(string token) => _sp.Vocabulary.TryGetValue(token, out var id) ? id : null;

        protected override IReadOnlyList<int> EncodeText(string text) =>
            _sp.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false);

        protected override string DecodeIds(List<int> ids) => _sp.Decode(ids, considerSpecialTokens: true);

        protected override IReadOnlyList<Ml.EncodedToken> EncodeTextToTokens(string text, bool normalize, out string? normalizedText) =>
            _sp.EncodeToTokens(text, out normalizedText, addBeginningOfSentence: false, addEndOfSentence: false, considerNormalization: normalize);
    }

    /// <summary>A tiktoken vocabulary (base64 token, rank per line) with the regex of its family.</summary>
    public sealed class Tiktoken : LibraryTokenizer
    {
        private readonly Ml.TiktokenTokenizer _tt;
        private readonly string?[] _tokens;
        private readonly Dictionary<string, int> _byToken;

        private Tiktoken(Ml.TiktokenTokenizer tt, IReadOnlyDictionary<int, byte[]> ranks, Dictionary<string, int> specials, List<int> specialIds, int[] prefix, int[] suffix)
            : base(tt, specials, specialIds, prefix, suffix)
        {
            _tt = tt;
            var size = Math.Max(ranks.Count == 0 ? 0 : ranks.Keys.Max() + 1, specials.Count == 0 ? 0 : specials.Values.Max() + 1);
            _tokens = new string?[size];
            _byToken = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (id, bytes) in ranks)
            {
                var token = string.Create(bytes.Length, bytes, static (chars, b) =>
                {
                    for (var i = 0; i < chars.Length; i++)
                    {
                        chars[i] = ByteLevelAlphabet.ByteToChar[b[i]];
                    }
                });
                _tokens[id] = token;
                _byToken[token] = id;
            }
        }

        /// <param name="ranks">The file's token bytes by rank (ids for the token strings).</param>
        /// <param name="create">Builds the library tokenizer with the given special tokens.</param>
        public static Tiktoken Create(IReadOnlyDictionary<int, byte[]> ranks, Func<IReadOnlyDictionary<string, int>?, Ml.TiktokenTokenizer> create, TokenizerConfigFile? config)
        {
            var specials = ConfigSpecialTokens(config, _ => null, out var specialIds);
            var tt = create(specials.Count == 0 ? null : specials);
            int? Named(string? t) => t is not null && specials.TryGetValue(t, out var id) ? id : null;
            var bos = config?.AddBosToken == true ? Named(config.BosToken) : null;
            var eos = config?.AddEosToken == true ? Named(config.EosToken) : null;
            return new Tiktoken(tt, ranks, specials, specialIds, Ids(bos), Ids(eos));
        }

        public override int VocabSize => _tokens.Length;

        public override bool DecodesByteLevel => true;

        protected override string? ModelToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

        protected override int? ModelTokenId(string token) => _byToken.TryGetValue(token, out var id) ? id : null;

        protected override IReadOnlyList<int> EncodeText(string text) => _tt.EncodeToIds(text);

        protected override IReadOnlyList<Ml.EncodedToken> EncodeTextToTokens(string text, bool normalize, out string? normalizedText) =>
            _tt.EncodeToTokens(text, out normalizedText, considerNormalization: normalize);
    }

}
