using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Loader.Config;
using Loader.Tokenizers;

namespace ConvertTool.Gguf;

/// <summary>
/// The <c>tokenizer.ggml.*</c> metadata llama.cpp needs to tokenize like our tokenizer.json, for the two
/// Llama-family vocabulary kinds:
/// <list type="bullet">
/// <item><b>SentencePiece-style</b> (<c>llama</c>): a BPE model with byte fallback. Spaces in pieces become
/// U+2581, as llama.cpp's SPM tokenizer escapes the text; <c>&lt;0xNN&gt;</c> pieces are BYTE tokens. llama.cpp
/// merges the adjacent pair whose concatenation has the highest score, so a piece's score is minus the rank of
/// the first merge rule producing it: the merge order of tokenizer.json, which for a llama2.c vocabulary is the
/// order of tokenizer.bin's scores. The dummy prefix (<c>add_space_prefix</c>) is on when the normalizer
/// prepends or the Metaspace pre-tokenizer adds a prefix.</item>
/// <item><b>Byte-level BPE</b> (<c>gpt2</c>): the vocabulary and merges verbatim, with llama.cpp's
/// pre-tokenizer name recognised from the Split regex (<see cref="PreTokenizerNames"/>).</item>
/// </list>
/// Added tokens are CONTROL (special) or USER_DEFINED; ids missing from both vocabularies up to the model's vocab
/// size are <c>[PAD{id}]</c> UNUSED tokens, as llama.cpp's converter writes them. The stop id is config.json's
/// <c>eos_token_id</c> (the one generation stops on).
/// </summary>
internal static class GgufTokenizerMetadata
{
    private const int Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6;

    /// <summary>llama.cpp's pre-tokenizer names by the Split regex of tokenizer.json (llama.cpp's
    /// convert_hf_to_gguf.py tells them apart by hashing the tokenizer's output on a test text; the regex is what
    /// differs between these).</summary>
    private static readonly Dictionary<string, string> PreTokenizerNames = new(StringComparer.Ordinal)
    {
        [@"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"] = "llama-bpe",
        [@"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"] = "qwen2",
    };

    public static void Add(GgufWriter gguf, TokenizerJsonFile tokenizer, TokenizerConfigFile? tokenizerConfig, HfModelConfig config)
    {
        var model = tokenizer.Model;
        var source = tokenizer.Source;
        var size = Math.Max(config.VocabSize, 1 + Math.Max(
            model.Vocab.Count == 0 ? -1 : model.Vocab.Values.Max(),
            tokenizer.AddedTokens.Count == 0 ? -1 : tokenizer.AddedTokens.Max(t => t.Id)));
        if (size > config.VocabSize)
        {
            throw new TokenizerFormatException($"{source}: token ids reach {size - 1} but config.json's vocab_size is {config.VocabSize}.");
        }
        var spm = model.ByteFallback;
        if (!spm && !HasByteLevel(tokenizer.PreTokenizer))
        {
            throw new TokenizerFormatException($"{source}: neither SentencePiece-style (BPE with byte_fallback) nor byte-level BPE (a ByteLevel pre_tokenizer); GGUF export supports only those two.");
        }

        var tokens = new string?[size];
        var types = new int[size];
        foreach (var (piece, id) in model.Vocab)
        {
            tokens[id] = spm ? piece.Replace(' ', '\u2581') : piece;
            types[id] = spm && IsBytePiece(piece) ? Byte : Normal;
        }
        if (model.UnkToken is { } unk && model.Vocab.TryGetValue(unk, out var unkId))
        {
            types[unkId] = Unknown;
        }
        foreach (var added in tokenizer.AddedTokens)
        {
            tokens[added.Id] = added.Content;
            types[added.Id] = added.Special ? Control : UserDefined;
        }
        for (var id = 0; id < size; id++)
        {
            if (tokens[id] is null)
            {
                tokens[id] = string.Create(CultureInfo.InvariantCulture, $"[PAD{id}]");
                types[id] = Unused;
            }
        }

        gguf.Add("tokenizer.ggml.model", spm ? "llama" : "gpt2");
        gguf.Add("tokenizer.ggml.pre", spm ? "default" : PreTokenizerName(tokenizer));
        gguf.Add("tokenizer.ggml.tokens", tokens!);
        if (spm)
        {
            gguf.Add("tokenizer.ggml.scores", Scores(model, size));
            gguf.Add("tokenizer.ggml.add_space_prefix", AddsSpacePrefix(tokenizer));
        }
        gguf.Add("tokenizer.ggml.token_type", types);
        if (!spm)
        {
            gguf.Add("tokenizer.ggml.merges", model.Merges.Select(m => $"{m.Left} {m.Right}").ToList());
        }
        if (config.BosTokenId is { } bos)
        {
            gguf.Add("tokenizer.ggml.bos_token_id", (uint)bos);
        }
        if (config.EosTokenIds.Count > 0)
        {
            gguf.Add("tokenizer.ggml.eos_token_id", (uint)config.EosTokenIds[0]);
        }
        if (model.UnkToken is not null && model.Vocab.TryGetValue(model.UnkToken, out var unkToken))
        {
            gguf.Add("tokenizer.ggml.unknown_token_id", (uint)unkToken);
        }
        if (tokenizerConfig?.PadToken is { } pad && IdOf(tokenizer, pad) is { } padId)
        {
            gguf.Add("tokenizer.ggml.padding_token_id", (uint)padId);
        }
        gguf.Add("tokenizer.ggml.add_bos_token", tokenizerConfig?.AddBosToken ?? PostProcessorAddsBos(tokenizer.PostProcessor));
        gguf.Add("tokenizer.ggml.add_eos_token", tokenizerConfig?.AddEosToken ?? false);
        if (tokenizerConfig?.ChatTemplate is { } template)
        {
            gguf.Add("tokenizer.chat_template", template);
        }
    }

    private static bool IsBytePiece(string piece) =>
        piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
        && byte.TryParse(piece.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _);

    private static float[] Scores(BpeModelFile model, int size)
    {
        // pieces no merge produces (characters, bytes, specials) are never a merge result: below every merge
        var scores = new float[size];
        Array.Fill(scores, -model.Merges.Count - 1f);
        for (var rank = model.Merges.Count - 1; rank >= 0; rank--)
        {
            var (left, right) = model.Merges[rank];
            if (model.Vocab.TryGetValue(left + right, out var id))
            {
                scores[id] = -rank;
            }
        }
        return scores;
    }

    private static bool AddsSpacePrefix(TokenizerJsonFile tokenizer)
    {
        static bool Prepends(TokenizerComponentSpec? spec) => spec switch
        {
            null => false,
            { Type: "Prepend" } => true,
            { Type: "Metaspace" } => spec.GetString("prepend_scheme") is { } scheme ? scheme != "never" : spec.GetBool("add_prefix_space", true),
            { Type: "Sequence" } => spec.Children(spec.Kind == "normalizer" ? "normalizers" : "pretokenizers").Any(Prepends),
            _ => false,
        };
        return Prepends(tokenizer.Normalizer) || Prepends(tokenizer.PreTokenizer);
    }

    private static bool HasByteLevel(TokenizerComponentSpec? spec) => spec switch
    {
        null => false,
        { Type: "ByteLevel" } => true,
        { Type: "Sequence" } => spec.Children("pretokenizers").Any(HasByteLevel),
        _ => false,
    };

    private static string PreTokenizerName(TokenizerJsonFile tokenizer)
    {
        var split = Splits(tokenizer.PreTokenizer).ToList();
        if (split.Count == 0)
        {
            if (tokenizer.PreTokenizer is { Type: "ByteLevel" } byteLevel && byteLevel.GetBool("use_regex", true))
            {
                return "gpt2";
            }
            throw new TokenizerFormatException($"{tokenizer.Source}: the byte-level pre_tokenizer has no regex split llama.cpp knows.");
        }
        if (split.Count == 1 && PreTokenizerNames.TryGetValue(split[0], out var name))
        {
            return name;
        }
        throw new TokenizerFormatException(
            $"{tokenizer.Source}: pre_tokenizer split regex {Regex.Escape(split[0])} has no llama.cpp pre-tokenizer this converter knows (llama-bpe, qwen2, gpt2).");
    }

    private static IEnumerable<string> Splits(TokenizerComponentSpec? spec)
    {
        if (spec is { Type: "Sequence" })
        {
            return spec.Children("pretokenizers").SelectMany(Splits);
        }
        if (spec is { Type: "Split" } && spec.Json.TryGetProperty("pattern", out var pattern)
            && pattern.TryGetProperty("Regex", out var regex) && regex.ValueKind == JsonValueKind.String)
        {
            return [regex.GetString()!];
        }
        return [];
    }

    private static bool PostProcessorAddsBos(TokenizerComponentSpec? spec) => spec switch
    {
        null => false,
        { Type: "TemplateProcessing" } => spec.Json.TryGetProperty("single", out var single) && single.ValueKind == JsonValueKind.Array
            && single.GetArrayLength() > 0 && single[0].TryGetProperty("SpecialToken", out _),
        { Type: "Sequence" } => spec.Children("processors").Any(PostProcessorAddsBos),
        _ => false,
    };

    private static int? IdOf(TokenizerJsonFile tokenizer, string content) =>
        tokenizer.AddedTokens.FirstOrDefault(t => t.Content == content)?.Id
        ?? (tokenizer.Model.Vocab.TryGetValue(content, out var id) ? id : null);
}
