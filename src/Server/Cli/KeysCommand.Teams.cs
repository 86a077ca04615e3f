using System.CommandLine;
using System.Globalization;
using Server.Keys;
using Spectre.Console;

namespace Server.Cli;

/// <summary>
/// <c>engine keys team-create|team-add|team-remove|team-delete|team-list</c>: teams a key's owner may act for with
/// <c>X-Friendli-Team</c> (api.md §3.3). Members are key owner names (<c>keys create --name</c>).
/// </summary>
public static partial class KeysCommand
{
    private static void AddTeamCommands(Command keys, Option<string> db)
    {
        keys.Subcommands.Add(CreateTeam(db));
        keys.Subcommands.Add(ChangeMembers(db, add: true));
        keys.Subcommands.Add(ChangeMembers(db, add: false));
        keys.Subcommands.Add(DeleteTeam(db));
        keys.Subcommands.Add(ListTeams(db));
    }

    private static Command CreateTeam(Option<string> db)
    {
        var name = new Option<string>("--name") { Description = "The team id clients send in X-Friendli-Team.", Required = true };
        var account = new AccountOptions("team");
        var command = new Command("team-create", "Create a team: an account with its own limits, models and overrides.") { db, name };
        account.AddTo(command);
        SetGuardedAction(command, "team-create", parse =>
        {
            try
            {
                var team = Open(parse.GetValue(db)!).CreateTeam(parse.GetValue(name)!, account.Limits(parse), account.Models(parse), account.Overrides(parse));
                Console.Error.WriteLine($"Created team {team.Id} ({team.Name}). Add members with `engine keys team-add`.");
                return 0;
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"engine keys team-create: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static Command ChangeMembers(Option<string> db, bool add)
    {
        var team = new Option<string>("--team") { Description = "The team name.", Required = true };
        var owner = new Option<string>("--key") { Description = "The key owner's name (`keys create --name`); all their keys are members.", Required = true };
        var verb = add ? "team-add" : "team-remove";
        var command = new Command(verb, add ? "Make a key owner a member of a team." : "Remove a key owner from a team.") { db, team, owner };
        SetGuardedAction(command, verb, parse =>
        {
            var (t, o) = (parse.GetValue(team)!, parse.GetValue(owner)!);
            try
            {
                var store = Open(parse.GetValue(db)!);
                if (add ? store.AddMember(t, o) : store.RemoveMember(t, o)) return 0;
                Console.Error.WriteLine(add ? $"engine keys team-add: '{o}' is already a member of '{t}'." : $"engine keys team-remove: '{o}' is not a member of '{t}'.");
                return 1;
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"engine keys {verb}: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static Command DeleteTeam(Option<string> db)
    {
        var team = new Option<string>("--team") { Description = "The team name.", Required = true };
        var command = new Command("team-delete", "Delete a team and its memberships; requests naming it get 403.") { db, team };
        SetGuardedAction(command, "team-delete", parse =>
        {
            if (Open(parse.GetValue(db)!).DeleteTeam(parse.GetValue(team)!)) return 0;
            Console.Error.WriteLine($"engine keys team-delete: no team '{parse.GetValue(team)}'.");
            return 1;
        });
        return command;
    }

    private static Command ListTeams(Option<string> db)
    {
        var command = new Command("team-list", "List teams with their limits and members.") { db };
        SetGuardedAction(command, "team-list", parse =>
        {
            var table = new Table().AddColumns("id", "name", "limits", "models", "overrides", "members", "created");
            foreach (var t in Open(parse.GetValue(db)!).ListTeams())
            {
                table.AddRow(t.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(t.Name),
                    SqlKeyStore.Describe(t.Limits) is { Length: > 0 } d ? d : "unlimited",
                    Markup.Escape(t.Models is null ? "all" : string.Join(',', t.Models)), Markup.Escape(t.OverridesJson ?? ""),
                    Markup.Escape(string.Join(',', t.Members)), t.CreatedAt.ToString("u", CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
