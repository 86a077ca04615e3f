using System.CommandLine;
using Server.Keys;
using Spectre.Console;

namespace Server.Cli;

/// <summary>
/// <c>engine keys create|list|revoke|set-overrides</c>: manage the API key database. The secret is printed
/// once, at creation; the database keeps only a salted hash. The <c>team-*</c> commands (KeysCommand.Teams.cs)
/// manage teams and their members.
/// </summary>
public static partial class KeysCommand
{
    public static Command Create()
    {
        var db = new Option<string>("--db")
        {
            Description = "Key database: a SQLite file, or PostgreSQL shared by replicas (postgres://user:pass@host:port/db or Host=…;Database=…).",
            DefaultValueFactory = _ => SqliteKeyStore.DefaultPath(),
        };
        var command = new Command("keys", "Manage API keys (create, list, revoke, set-overrides) and teams (team-create, team-add, team-remove, team-delete, team-list).");
        command.Subcommands.Add(CreateKey(db));
        command.Subcommands.Add(ListKeys(db));
        command.Subcommands.Add(RevokeKey(db));
        command.Subcommands.Add(SetOverrides(db));
        AddTeamCommands(command, db);
        return command;
    }

    private static Command CreateKey(Option<string> db)
    {
        var name = new Option<string>("--name") { Description = "A label for the key's owner (the member name teams use).", Required = true };
        var account = new AccountOptions("key");
        var command = new Command("create", "Create a key and print it once.") { db, name };
        account.AddTo(command);
        SetGuardedAction(command, "create", parse =>
        {
            try
            {
                var store = Open(parse.GetValue(db)!);
                var (record, key) = store.Create(parse.GetValue(name)!, account.Limits(parse), account.Models(parse), account.Overrides(parse));
                Console.Error.WriteLine($"Created key {record.Id} ({record.Name}). It is shown only now:");
                Console.WriteLine(key);
                return 0;
            }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"engine keys create: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static Command ListKeys(Option<string> db)
    {
        var command = new Command("list", "List keys (no secrets).") { db };
        SetGuardedAction(command, "list", parse =>
        {
            var table = new Table().AddColumns("id", "name", "prefix", "limits", "models", "overrides", "created", "revoked");
            foreach (var k in Open(parse.GetValue(db)!).List())
            {
                table.AddRow(k.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(k.Name), $"sk-{k.Prefix}…",
                    SqlKeyStore.Describe(k.Limits) is { Length: > 0 } d ? d : "unlimited",
                    Markup.Escape(k.Models is null ? "all" : string.Join(',', k.Models)), Markup.Escape(k.OverridesJson ?? ""),
                    k.CreatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
                    k.RevokedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "");
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command RevokeKey(Option<string> db)
    {
        var id = new Option<long>("--id") { Description = "The key id (see `engine keys list`).", Required = true };
        var command = new Command("revoke", "Revoke a key; requests with it get 401 from now on.") { db, id };
        SetGuardedAction(command, "revoke", parse =>
        {
            if (Open(parse.GetValue(db)!).Revoke(parse.GetValue(id))) return 0;
            Console.Error.WriteLine($"engine keys revoke: no live key with id {parse.GetValue(id)}.");
            return 1;
        });
        return command;
    }

    private static Command SetOverrides(Option<string> db)
    {
        var id = new Option<long>("--id") { Description = "The key id.", Required = true };
        var json = new Option<string?>("--overrides") { Description = "JSON object of overrides; omit to clear." };
        var command = new Command("set-overrides", "Replace a key's parameter overrides.") { db, id, json };
        SetGuardedAction(command, "set-overrides", parse =>
        {
            try
            {
                if (Open(parse.GetValue(db)!).SetOverrides(parse.GetValue(id), parse.GetValue(json))) return 0;
                Console.Error.WriteLine($"engine keys set-overrides: no key with id {parse.GetValue(id)}.");
                return 1;
            }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"engine keys set-overrides: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    /// <summary>Opens the database; one that cannot be reached or parsed ends the command with exit code 1 and the reason.</summary>
    private static SqlKeyStore Open(string spec)
    {
        try
        {
            return KeyDatabases.Open(spec);
        }
        catch (Exception e) when (e is KeyDatabaseUnavailableException or FormatException)
        {
            throw new KeyDatabaseUnavailableException(e.Message, e);
        }
    }

    /// <summary>Runs a subcommand, turning an unreachable database into its message and exit code 1.</summary>
    private static void SetGuardedAction(Command command, string verb, Func<ParseResult, int> action) =>
        command.SetAction(parse =>
        {
            try
            {
                return action(parse);
            }
            catch (KeyDatabaseUnavailableException e)
            {
                Console.Error.WriteLine($"engine keys {verb}: {e.Message}");
                return 1;
            }
        });
}
