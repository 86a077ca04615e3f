using System.Globalization;
using System.Text;
using Loader.Tokenizers;

namespace Engine.Tokenization;

/// <summary>A tokenizer.json decoder: HF's <c>decode_chain</c> over the token strings, whose results are then
/// concatenated.</summary>
internal abstract class Decoder
{
    public abstract void DecodeChain(List<string> tokens);

    /// <summary>Whether a step turns <c>&lt;0xNN&gt;</c> tokens into raw bytes (the streaming detokenizer must hold
    /// them back until their run ends).</summary>
    public virtual bool UsesByteFallback => false;

    /// <summary>Whether a step maps the byte-level alphabet back to raw bytes (token strings are bytes, not text).</summary>
    public virtual bool UsesByteLevel => false;

    public static Decoder? Create(TokenizerComponentSpec? spec) => spec is null ? null : Build(spec);

    private static Decoder Build(TokenizerComponentSpec spec) => spec.Type switch
    {
        "ByteLevel" => new ByteLevel(),
        "Metaspace" => new Metaspace(PreTokenizer.ReplacementOf(spec), PreTokenizer.PrependSchemeOf(spec) != "never"),
        "ByteFallback" => new ByteFallback(),
        "Fuse" => new Fuse(),
        "Strip" => new Strip(StripContent(spec), spec.GetInt("start", 0), spec.GetInt("stop", 0)),
        "Replace" => new Replace(Normalizer.PatternOf(spec), spec.GetString("content") ?? ""),
        "BPEDecoder" => new EndOfWordSuffix(spec.GetString("suffix") ?? "</w>"),
        "Sequence" => new Sequence([.. spec.Children("decoders").Select(Build)]),
        _ => throw new TokenizerFormatException(
            $"{spec.Source}: decoder '{spec.Type}' is not supported (supported: ByteLevel, Metaspace, ByteFallback, Fuse, Strip, Replace, BPEDecoder, Sequence)."),
    };

    private static string StripContent(TokenizerComponentSpec spec)
    {
        var content = spec.GetString("content") ?? " ";
        if (content.EnumerateRunes().Count() != 1)
        {
            throw new TokenizerFormatException($"{spec.Source}: decoder Strip content must be one character, got '{content}'.");
        }
        return content;
    }

    /// <summary>Byte-level alphabet back to bytes over all tokens at once, then lossy UTF-8 (a token with a char
    /// outside the alphabet contributes its own UTF-8 bytes).</summary>
    private sealed class ByteLevel : Decoder
    {
        public override bool UsesByteLevel => true;

        public override void DecodeChain(List<string> tokens)
        {
            var bytes = new List<byte>();
            foreach (var token in tokens)
            {
                var start = bytes.Count;
                var inAlphabet = true;
                foreach (var c in token)
                {
                    var b = ByteLevelAlphabet.ByteOf(c);
                    if (b < 0)
                    {
                        inAlphabet = false;
                        break;
                    }
                    bytes.Add((byte)b);
                }
                if (!inAlphabet)
                {
                    bytes.RemoveRange(start, bytes.Count - start);
                    bytes.AddRange(Encoding.UTF8.GetBytes(token));
                }
            }
            tokens.Clear();
            tokens.Add(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)));
        }
    }

    /// <summary>Replacement char → space; in the first token every replacement char is dropped (HF's quirk).</summary>
    private sealed class Metaspace(char replacement, bool stripFirst) : Decoder
    {
        public override void DecodeChain(List<string> tokens)
        {
            for (var i = 0; i < tokens.Count; i++)
            {
                tokens[i] = i == 0 && stripFirst
                    ? tokens[i].Replace(replacement.ToString(), "", StringComparison.Ordinal)
                    : tokens[i].Replace(replacement, ' ');
            }
        }
    }

    /// <summary>Runs of <c>&lt;0xNN&gt;</c> tokens become their bytes as UTF-8, or one U+FFFD per byte when the
    /// run is not valid UTF-8.</summary>
    private sealed class ByteFallback : Decoder
    {
        public override bool UsesByteFallback => true;

        private static readonly UTF8Encoding Strict = new(false, true);

        public override void DecodeChain(List<string> tokens)
        {
            var output = new List<string>(tokens.Count);
            var pending = new List<byte>();
            foreach (var token in tokens)
            {
                if (token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
                    && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                {
                    pending.Add(b);
                    continue;
                }
                Flush(pending, output);
                output.Add(token);
            }
            Flush(pending, output);
            tokens.Clear();
            tokens.AddRange(output);
        }

        private static void Flush(List<byte> pending, List<string> output)
        {
            if (pending.Count == 0)
            {
                return;
            }
            try
            {
                output.Add(Strict.GetString([.. pending]));
            }
            catch (DecoderFallbackException)
            {
                for (var i = 0; i < pending.Count; i++)
                {
                    output.Add("\uFFFD");
                }
            }
            pending.Clear();
        }
    }

    private sealed class Fuse : Decoder
    {
        public override void DecodeChain(List<string> tokens)
        {
            var fused = string.Concat(tokens);
            tokens.Clear();
            tokens.Add(fused);
        }
    }

    /// <summary>Removes up to <c>start</c> leading and <c>stop</c> trailing <c>content</c> characters per token.</summary>
    private sealed class Strip(string content, int start, int stop) : Decoder
    {
        public override void DecodeChain(List<string> tokens)
        {
            for (var i = 0; i < tokens.Count; i++)
            {
                var token = tokens[i];
                var begin = 0;
                for (var k = 0; k < start && token.AsSpan(begin).StartsWith(content, StringComparison.Ordinal); k++)
                {
                    begin += content.Length;
                }
                var end = token.Length;
                for (var k = 0; k < stop && end - content.Length >= begin && token.AsSpan(begin, end - begin).EndsWith(content, StringComparison.Ordinal); k++)
                {
                    end -= content.Length;
                }
                tokens[i] = token[begin..end];
            }
        }
    }

    private sealed class Replace(SplitPattern pattern, string content) : Decoder
    {
        public override void DecodeChain(List<string> tokens)
        {
            for (var i = 0; i < tokens.Count; i++)
            {
                tokens[i] = pattern.Replace(tokens[i], content);
            }
        }
    }

    /// <summary>HF's BPEDecoder: the end-of-word suffix becomes a space, except in the last token where it is
    /// dropped.</summary>
    private sealed class EndOfWordSuffix(string suffix) : Decoder
    {
        public override void DecodeChain(List<string> tokens)
        {
            for (var i = 0; i < tokens.Count; i++)
            {
                tokens[i] = tokens[i].Replace(suffix, i == tokens.Count - 1 ? "" : " ", StringComparison.Ordinal);
            }
        }
    }

    private sealed class Sequence(Decoder[] steps) : Decoder
    {
        public override bool UsesByteFallback => steps.Any(s => s.UsesByteFallback);

        public override bool UsesByteLevel => steps.Any(s => s.UsesByteLevel);

        public override void DecodeChain(List<string> tokens)
        {
            foreach (var step in steps)
            {
                step.DecodeChain(tokens);
            }
        }
    }
}
