using Loader.Tokenizers;

namespace Engine.Tokenization;

/// <summary>A piece of text on its way to the model; <see cref="AtStart"/> says it begins at offset 0 of the
/// original input (Metaspace's <c>prepend_scheme: first</c> reads it).</summary>
internal readonly record struct PreToken(string Text, bool AtStart);

/// <summary>A tokenizer.json pre-tokenizer: splits each piece into smaller pieces (and may rewrite them, as
/// ByteLevel and Metaspace do), following HF's split behaviours exactly.</summary>
internal abstract class PreTokenizer
{
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>Replaces the contents of <paramref name="pieces"/> with their pre-tokenized pieces.</summary>
    public void PreTokenize(List<PreToken> pieces)
    {
        var input = pieces.ToArray();
        pieces.Clear();
        var spans = new List<SplitMatch>();
        foreach (var piece in input)
        {
            Split(piece, pieces, spans);
        }
    }

    protected abstract void Split(PreToken piece, List<PreToken> output, List<SplitMatch> scratch);

    /// <summary>The scanner when this pre-tokenizer is exactly "Split(Llama 3/Qwen regex, Isolated) then
    /// ByteLevel(no prefix space, no regex)", which <see cref="Tokenizer"/> runs on spans without allocating.</summary>
    public virtual Gpt4StyleScanner? FastByteLevelScanner => null;

    /// <summary>Whether the pieces come out in the byte-level alphabet (a ByteLevel step is part of it).</summary>
    public virtual bool MapsToByteLevel => false;

    public static PreTokenizer? Create(TokenizerComponentSpec? spec) => spec is null ? null : Build(spec);

    private static PreTokenizer Build(TokenizerComponentSpec spec) => spec.Type switch
    {
        "ByteLevel" => new ByteLevel(spec.GetBool("add_prefix_space", true), spec.GetBool("use_regex", true), spec.Source),
        "Split" => new SplitBy(Normalizer.PatternOf(spec), BehaviorOf(spec), spec.GetBool("invert", false)),
        "Metaspace" => new Metaspace(ReplacementOf(spec), PrependSchemeOf(spec), spec.GetBool("split", true)),
        "Digits" => new SplitBy(SplitPattern.CodePoint(UnicodeClass.IsNumber),
            spec.GetBool("individual_digits", false) ? SplitBehavior.Isolated : SplitBehavior.Contiguous, false),
        "Punctuation" => new SplitBy(SplitPattern.CodePoint(UnicodeClass.IsPunctuation), BehaviorOf(spec, SplitBehavior.Isolated), false),
        "Whitespace" => new SplitBy(SplitPattern.FromRegex(@"\w+|[^\w\s]+", spec.Source), SplitBehavior.Removed, true),
        "WhitespaceSplit" => new SplitBy(SplitPattern.CodePoint(UnicodeClass.IsWhiteSpace), SplitBehavior.Removed, false),
        "Sequence" => new Sequence([.. spec.Children("pretokenizers").Select(Build)]),
        _ => throw new TokenizerFormatException(
            $"{spec.Source}: pre_tokenizer '{spec.Type}' is not supported (supported: ByteLevel, Split, Metaspace, Digits, Punctuation, Whitespace, WhitespaceSplit, Sequence)."),
    };

    /// <summary>Metaspace's replacement character (decoder and pre-tokenizer share the fields).</summary>
    public static char ReplacementOf(TokenizerComponentSpec spec)
    {
        var replacement = spec.GetString("replacement") ?? "\u2581";
        if (replacement.Length != 1)
        {
            throw new TokenizerFormatException($"{spec.Source}: {spec.Kind} Metaspace replacement must be one UTF-16 character, got '{replacement}'.");
        }
        return replacement[0];
    }

    /// <summary>"always", "first" or "never"; older files give <c>add_prefix_space</c> instead (true = always).</summary>
    public static string PrependSchemeOf(TokenizerComponentSpec spec) =>
        spec.GetString("prepend_scheme") ?? (spec.GetBool("add_prefix_space", true) ? "always" : "never");

    private static SplitBehavior BehaviorOf(TokenizerComponentSpec spec, SplitBehavior fallback = SplitBehavior.Removed) =>
        spec.GetString("behavior") switch
        {
            null => fallback,
            "Removed" => SplitBehavior.Removed,
            "Isolated" => SplitBehavior.Isolated,
            "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
            "MergedWithNext" => SplitBehavior.MergedWithNext,
            "Contiguous" => SplitBehavior.Contiguous,
            var other => throw new TokenizerFormatException($"{spec.Source}: pre_tokenizer {spec.Type} has unknown behavior '{other}'."),
        };

    /// <summary>HF's <c>NormalizedString::split</c>: turns the tiled spans into kept pieces by behaviour.</summary>
    protected static void ApplySplit(PreToken piece, List<SplitMatch> spans, SplitBehavior behavior, bool invert, List<PreToken> output)
    {
        var text = piece.Text;
        void Emit(int start, int end)
        {
            if (end > start)
            {
                output.Add(new PreToken(text[start..end], piece.AtStart && start == 0));
            }
        }
        if (invert)
        {
            for (var i = 0; i < spans.Count; i++)
            {
                spans[i] = spans[i] with { IsMatch = !spans[i].IsMatch };
            }
        }
        switch (behavior)
        {
            case SplitBehavior.Isolated:
                foreach (var s in spans)
                {
                    Emit(s.Start, s.End);
                }
                break;
            case SplitBehavior.Removed:
                foreach (var s in spans)
                {
                    if (!s.IsMatch)
                    {
                        Emit(s.Start, s.End);
                    }
                }
                break;
            case SplitBehavior.Contiguous:
            case SplitBehavior.MergedWithPrevious:
            {
                // Contiguous glues a span onto a preceding span of the same kind; MergedWithPrevious glues it onto whatever
                // precedes it, unless that was a match too.
                var merged = new List<(int Start, int End)>();
                var previousMatch = false;
                foreach (var s in spans)
                {
                    var glue = behavior == SplitBehavior.Contiguous ? s.IsMatch == previousMatch : s.IsMatch && !previousMatch;
                    if (glue && merged.Count > 0)
                    {
                        merged[^1] = (merged[^1].Start, s.End);
                    }
                    else
                    {
                        merged.Add((s.Start, s.End));
                    }
                    previousMatch = s.IsMatch;
                }
                foreach (var (start, end) in merged)
                {
                    Emit(start, end);
                }
                break;
            }
            case SplitBehavior.MergedWithNext:
            {
                var merged = new List<(int Start, int End)>();
                var previousMatch = false;
                for (var i = spans.Count - 1; i >= 0; i--)
                {
                    var s = spans[i];
                    if (s.IsMatch && !previousMatch && merged.Count > 0)
                    {
                        merged[^1] = (s.Start, merged[^1].End);
                    }
                    else
                    {
                        merged.Add((s.Start, s.End));
                    }
                    previousMatch = s.IsMatch;
                }
                for (var i = merged.Count - 1; i >= 0; i--)
                {
                    Emit(merged[i].Start, merged[i].End);
                }
                break;
            }
        }
    }

    private sealed class SplitBy(SplitPattern pattern, SplitBehavior behavior, bool invert) : PreTokenizer
    {
        // A scanner's matches tile the text, so "Removed" of the inverted split keeps the same pieces as "Isolated".
        public Gpt4StyleScanner? IsolatingScanner =>
            (behavior == SplitBehavior.Isolated && !invert) || (behavior == SplitBehavior.Removed && invert) ? pattern.Scanner : null;

        protected override void Split(PreToken piece, List<PreToken> output, List<SplitMatch> scratch)
        {
            scratch.Clear();
            pattern.FindMatches(piece.Text, scratch);
            ApplySplit(piece, scratch, behavior, invert, output);
        }
    }

    private sealed class ByteLevel(bool addPrefixSpace, bool useRegex, string source) : PreTokenizer
    {
        public bool IsPlainByteMapping => !addPrefixSpace && !useRegex;

        public override bool MapsToByteLevel => true;

        private readonly SplitPattern _regex = SplitPattern.FromRegex(Gpt2Pattern, source);

        protected override void Split(PreToken piece, List<PreToken> output, List<SplitMatch> scratch)
        {
            var text = addPrefixSpace && !piece.Text.StartsWith(' ') ? " " + piece.Text : piece.Text;
            var start = output.Count;
            if (useRegex)
            {
                scratch.Clear();
                _regex.FindMatches(text, scratch);
                ApplySplit(piece with { Text = text }, scratch, SplitBehavior.Isolated, false, output);
            }
            else if (text.Length > 0)
            {
                output.Add(piece with { Text = text });
            }
            for (var i = start; i < output.Count; i++)
            {
                output[i] = output[i] with { Text = ByteLevelAlphabet.Encode(output[i].Text) };
            }
        }
    }

    private sealed class Metaspace(char replacement, string prependScheme, bool split) : PreTokenizer
    {
        private readonly SplitPattern _replacement = SplitPattern.CodePoint(c => c == replacement);

        protected override void Split(PreToken piece, List<PreToken> output, List<SplitMatch> scratch)
        {
            var text = piece.Text.Replace(' ', replacement);
            var prepend = prependScheme switch
            {
                "always" => true,
                "first" => piece.AtStart,
                _ => false,
            };
            if (prepend && !text.StartsWith(replacement))
            {
                text = replacement + text;
            }
            if (!split)
            {
                output.Add(piece with { Text = text });
                return;
            }
            scratch.Clear();
            _replacement.FindMatches(text, scratch);
            ApplySplit(piece with { Text = text }, scratch, SplitBehavior.MergedWithNext, false, output);
        }
    }

    private sealed class Sequence(PreTokenizer[] steps) : PreTokenizer
    {
        public override Gpt4StyleScanner? FastByteLevelScanner =>
            steps is [SplitBy split, ByteLevel { IsPlainByteMapping: true }] ? split.IsolatingScanner : null;

        public override bool MapsToByteLevel => steps.Any(s => s.MapsToByteLevel);

        protected override void Split(PreToken piece, List<PreToken> output, List<SplitMatch> scratch)
        {
            var pieces = new List<PreToken> { piece };
            foreach (var step in steps)
            {
                step.PreTokenize(pieces);
            }
            output.AddRange(pieces);
        }
    }
}
