using Loader.Tokenizers;

namespace Engine.Tokenization;

/// <summary>The added tokens of tokenizer.json and HF's <c>AddedVocabulary::find_matches</c>: leftmost-longest
/// matching (Aho-Corasick <c>LeftmostLongest</c>) over the raw text for non-normalized tokens and over each
/// normalized segment for normalized ones, with <c>single_word</c>, <c>lstrip</c> and <c>rstrip</c>.</summary>
internal sealed class AddedVocabulary
{
    private readonly Dictionary<int, AddedTokenEntry> _byId = [];
    private readonly Dictionary<string, AddedTokenEntry> _byContent = new(StringComparer.Ordinal);
    private readonly Trie _raw = new();
    private readonly Trie _normalized = new();

    public AddedVocabulary(IReadOnlyList<AddedTokenEntry> tokens, Normalizer? normalizer)
    {
        foreach (var token in tokens)
        {
            _byId[token.Id] = token;
            _byContent[token.Content] = token;
        }
        foreach (var token in _byContent.Values)
        {
            if (token.Content.Length == 0)
            {
                continue;
            }
            if (token.Normalized && normalizer is not null)
            {
                _normalized.Add(normalizer.Normalize(token.Content), token);
            }
            else if (token.Normalized)
            {
                _normalized.Add(token.Content, token);
            }
            else
            {
                _raw.Add(token.Content, token);
            }
        }
    }

    public int MaxId => _byId.Count == 0 ? -1 : _byId.Keys.Max();

    public string? IdToToken(int id) => _byId.TryGetValue(id, out var t) ? t.Content : null;

    public int? TokenToId(string token) => _byContent.TryGetValue(token, out var t) ? t.Id : null;

    public bool IsSpecialId(int id) => _byId.TryGetValue(id, out var t) && t.Special;

    /// <summary>The contents of the added tokens flagged special.</summary>
    public IEnumerable<string> SpecialContents => _byId.Values.Where(t => t.Special).Select(t => t.Content);

    /// <summary>HF checks specialness by content, so a model token whose string equals a special added token is
    /// also skipped.</summary>
    public bool IsSpecialContent(string content) => _byContent.TryGetValue(content, out var t) && t.Special;

    /// <summary>Splits <paramref name="text"/> at non-normalized added tokens: (start, end, id or -1) spans.</summary>
    public void SplitRaw(string text, List<(int Start, int End, int Id)> output) => FindMatches(text, _raw, output);

    public void SplitNormalized(string text, List<(int Start, int End, int Id)> output) => FindMatches(text, _normalized, output);

    private static void FindMatches(string text, Trie trie, List<(int Start, int End, int Id)> output)
    {
        var startOffset = 0;
        var position = 0;
        while (trie.Count > 0 && position < text.Length)
        {
            var (matchStart, matchEnd, token) = trie.FindLeftmostLongest(text, position);
            if (token is null)
            {
                break;
            }
            position = matchEnd;
            var start = matchStart;
            var stop = matchEnd;
            if (token.SingleWord)
            {
                var startSpace = start == 0 || !UnicodeClass.IsWordChar(UnicodeClass.Before(text, start, out _));
                var stopSpace = stop == text.Length || !UnicodeClass.IsWordChar(UnicodeClass.At(text, stop, out _));
                if (!startSpace || !stopSpace)
                {
                    continue;
                }
            }
            if (token.Lstrip)
            {
                var newStart = start;
                while (newStart > 0 && UnicodeClass.IsWhiteSpace(text[newStart - 1]))
                {
                    newStart--;
                }
                start = Math.Max(newStart, startOffset);
            }
            if (token.Rstrip)
            {
                while (stop < text.Length && UnicodeClass.IsWhiteSpace(text[stop]))
                {
                    stop++;
                }
            }
            if (startOffset < start)
            {
                output.Add((startOffset, start, -1));
            }
            output.Add((start, stop, token.Id));
            startOffset = stop;
        }
        if (startOffset < text.Length)
        {
            output.Add((startOffset, text.Length, -1));
        }
    }

    /// <summary>A character trie of token contents.</summary>
    private sealed class Trie
    {
        private readonly Node _root = new();

        public int Count { get; private set; }

        public void Add(string content, AddedTokenEntry token)
        {
            var node = _root;
            foreach (var c in content)
            {
                node.Children ??= [];
                if (!node.Children.TryGetValue(c, out var child))
                {
                    child = new Node();
                    node.Children[c] = child;
                }
                node = child;
            }
            node.Token ??= token;
            Count++;
        }

        /// <summary>The leftmost start at or after <paramref name="from"/> where any token matches, with the
        /// longest token there.</summary>
        public (int Start, int End, AddedTokenEntry? Token) FindLeftmostLongest(string text, int from)
        {
            var children = _root.Children!;
            for (var start = from; start < text.Length; start++)
            {
                if (!children.TryGetValue(text[start], out var node))
                {
                    continue;
                }
                AddedTokenEntry? best = null;
                var bestEnd = -1;
                for (var i = start + 1; ; i++)
                {
                    if (node.Token is not null)
                    {
                        best = node.Token;
                        bestEnd = i;
                    }
                    if (i >= text.Length || node.Children is null || !node.Children.TryGetValue(text[i], out node))
                    {
                        break;
                    }
                }
                if (best is not null)
                {
                    return (start, bestEnd, best);
                }
            }
            return (text.Length, text.Length, null);
        }

        private sealed class Node
        {
            public Dictionary<char, Node>? Children;
            public AddedTokenEntry? Token;
        }
    }
}
