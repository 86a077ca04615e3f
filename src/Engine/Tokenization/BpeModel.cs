using System.Collections.Concurrent;
using System.Text;
using Loader.Tokenizers;

namespace Engine.Tokenization;

/// <summary>HF's BPE model: splits a pre-token into characters (with continuing-subword prefix, end-of-word suffix,
/// byte fallback and unk handling exactly as <c>BPE::merge_word</c>), then merges by rank with
/// <see cref="BpeMerger"/>. Results for short words are cached.</summary>
internal sealed class BpeModel
{
    private const int CacheCapacity = 100_000;
    private const int MaxCachedWordLength = 256;

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabBySpan;
    private readonly string?[] _idToToken;
    private readonly BpeMerger _merger;
    private readonly int? _unkId;
    private readonly string? _prefix;
    private readonly string? _suffix;
    private readonly bool _fuseUnk;
    private readonly bool _ignoreMerges;
    private readonly int[]? _byteFallbackIds;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;

    public BpeModel(BpeModelFile file, string source)
    {
        _vocab = new Dictionary<string, int>(file.Vocab, StringComparer.Ordinal);
        _vocabBySpan = _vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        var maxId = _vocab.Count == 0 ? -1 : _vocab.Values.Max();
        _idToToken = new string?[maxId + 1];
        foreach (var (token, id) in _vocab)
        {
            _idToToken[id] = token;
        }
        _prefix = file.ContinuingSubwordPrefix;
        _suffix = file.EndOfWordSuffix;
        _fuseUnk = file.FuseUnk;
        _ignoreMerges = file.IgnoreMerges;
        if (file.UnkToken is { } unk)
        {
            _unkId = _vocab.TryGetValue(unk, out var id) ? id
                : throw new TokenizerFormatException($"{source}: model.unk_token '{unk}' is not in model.vocab.");
        }
        if (file.ByteFallback)
        {
            _byteFallbackIds = new int[256];
            for (var b = 0; b < 256; b++)
            {
                _byteFallbackIds[b] = _vocab.TryGetValue($"<0x{b:X2}>", out var id) ? id : -1;
            }
        }
        _merger = new BpeMerger(BuildMerges(file, source));
    }

    public int MaxId => _idToToken.Length - 1;

    public int? UnkId => _unkId;

    public string? ContinuingSubwordPrefix => _prefix;

    public string? EndOfWordSuffix => _suffix;

    public bool HasByteFallback => _byteFallbackIds is not null;

    public string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    public int? TokenToId(string token) => _vocab.TryGetValue(token, out var id) ? id : null;

    /// <summary>Appends the ids of one pre-token.</summary>
    public void Tokenize(string word, List<int> output) => Tokenize(word.AsSpan(), word, output);

    /// <summary>Appends the ids of one pre-token given as a span; allocates only when the word misses the cache.</summary>
    public void Tokenize(ReadOnlySpan<char> word, List<int> output) => Tokenize(word, null, output);

    private void Tokenize(ReadOnlySpan<char> word, string? wordString, List<int> output)
    {
        if (word.IsEmpty)
        {
            return;
        }
        if (_ignoreMerges && _vocabBySpan.TryGetValue(word, out var whole))
        {
            output.Add(whole);
            return;
        }
        if (_cacheBySpan.TryGetValue(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }
        wordString ??= word.ToString();
        var symbols = new List<int>(word.Length);
        SplitIntoSymbols(wordString, symbols);
        var merged = _merger.MergeAll(symbols);
        output.AddRange(merged);
        if (word.Length <= MaxCachedWordLength && _cache.Count < CacheCapacity)
        {
            _cache.TryAdd(wordString, merged);
        }
    }

    /// <summary>The initial symbols of <c>merge_word</c>: one per code point, looked up with the prefix (all but
    /// the first) and suffix (the last); misses go to byte fallback when every byte has a token, else to unk
    /// (fused when <c>fuse_unk</c>), else are dropped.</summary>
    private void SplitIntoSymbols(string word, List<int> symbols)
    {
        var pendingUnk = false;
        for (var i = 0; i < word.Length;)
        {
            UnicodeClass.At(word, i, out var w);
            var isFirst = i == 0;
            var isLast = i + w == word.Length;
            // HF looks up (and byte-falls-back) the character together with its prefix/suffix.
            var key = (isFirst || _prefix is null) && (!isLast || _suffix is null)
                ? word.AsSpan(i, w)
                : string.Concat(isFirst ? "" : _prefix, word.AsSpan(i, w), isLast ? _suffix : "").AsSpan();
            var found = _vocabBySpan.TryGetValue(key, out var id);
            if (found)
            {
                if (pendingUnk)
                {
                    symbols.Add(_unkId!.Value);
                    pendingUnk = false;
                }
                symbols.Add(id);
            }
            else if (!TryByteFallback(key, symbols) && _unkId is { } unk)
            {
                if (pendingUnk && !_fuseUnk)
                {
                    symbols.Add(unk);
                }
                pendingUnk = true;
            }
            i += w;
        }
        if (pendingUnk)
        {
            symbols.Add(_unkId!.Value);
        }
    }

    private bool TryByteFallback(ReadOnlySpan<char> symbol, List<int> symbols)
    {
        if (_byteFallbackIds is null)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[64];
        if (Encoding.UTF8.GetMaxByteCount(symbol.Length) > bytes.Length)
        {
            bytes = new byte[Encoding.UTF8.GetMaxByteCount(symbol.Length)];
        }
        var count = Encoding.UTF8.GetBytes(symbol, bytes);
        for (var b = 0; b < count; b++)
        {
            if (_byteFallbackIds[bytes[b]] < 0)
            {
                return false;
            }
        }
        for (var b = 0; b < count; b++)
        {
            symbols.Add(_byteFallbackIds[bytes[b]]);
        }
        return true;
    }

    private MergeTable BuildMerges(BpeModelFile file, string source)
    {
        var prefixLength = _prefix?.Length ?? 0;
        var merges = new MergeTable(file.Merges.Count);
        for (var rank = 0; rank < file.Merges.Count; rank++)
        {
            var (left, right) = file.Merges[rank];
            if (!_vocab.TryGetValue(left, out var a) || !_vocab.TryGetValue(right, out var b))
            {
                throw new TokenizerFormatException($"{source}: model.merges[{rank}] ('{left}', '{right}') uses a token missing from model.vocab.");
            }
            var mergedToken = string.Concat(left, right.AsSpan(Math.Min(prefixLength, right.Length)));
            if (!_vocab.TryGetValue(mergedToken, out var merged))
            {
                throw new TokenizerFormatException($"{source}: model.merges[{rank}] produces '{mergedToken}', which is not in model.vocab.");
            }
            // The first rule for a pair wins, as in HF (later duplicates are ignored).
            merges.TryAdd(a, b, rank, merged);
        }
        return merges;
    }
}
