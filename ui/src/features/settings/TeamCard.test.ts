import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { setLanguage } from '../../lib/i18n/index.svelte';
import { app } from '../../lib/state.svelte';
import { team, refreshTeam } from '../../lib/team.svelte';
import TeamStatusLine from '../../lib/TeamStatusLine.svelte';
import { fakeBackend, settings, teamStatus } from '../../test/ipc';
import TeamCard from './TeamCard.svelte';

beforeEach(() => {
  team.status = null;
  setLanguage('en');
});

describe('team card', () => {
  it('joins with a pasted code and then shows the team', async () => {
    const backend = fakeBackend({ join_team: () => teamStatus(), get_settings: () => settings({ display_name: 'Anna' }) });
    const user = userEvent.setup();
    render(TeamCard);
    await user.click(screen.getByTestId('team-join'));
    expect(screen.getByTestId('team-error').textContent).toBe('Paste the join code first.');
    expect(backend.calls).toEqual([]);
    await user.type(screen.getByTestId('team-code'), '  CM1-abc  ');
    await user.click(screen.getByTestId('team-join'));
    await waitFor(() => expect(screen.getByTestId('team-name').textContent).toBe('Service desk'));
    expect(backend.calls.map((c) => c.cmd)).toEqual(['join_team', 'get_settings']);
    expect(backend.calls[0]!.args).toEqual({ code: 'CM1-abc' });
    expect(screen.getByTestId('team-note').textContent).toContain('You joined Service desk');
    // The name the team gave this desk is the one the Log screen shows from now on.
    expect(app.settings?.display_name).toBe('Anna');
    expect(screen.queryByTestId('team-member-name')).toBeNull();
  });

  it('says in Dutch why a code was refused, and that nothing is lost when the server is away', async () => {
    setLanguage('nl');
    let answer = { code: 'not_allowed', message: 'used', field: null, kind: null };
    fakeBackend({
      join_team: () => {
        throw answer;
      },
    });
    const user = userEvent.setup();
    render(TeamCard);
    await user.type(screen.getByTestId('team-code'), 'CM1-old');
    await user.click(screen.getByTestId('team-join'));
    await waitFor(() => expect(screen.getByTestId('team-error').textContent).toContain('al gebruikt of verlopen'));
    answer = { code: 'unreachable', message: 'down', field: null, kind: null };
    await user.click(screen.getByTestId('team-join'));
    await waitFor(() => expect(screen.getByTestId('team-error').textContent).toContain('De teamserver uit deze code is niet bereikbaar'));
    // Typing again clears what the last attempt said.
    await user.type(screen.getByTestId('team-code'), 'x');
    expect(screen.queryByTestId('team-error')).toBeNull();
    expect(team.status).toBeNull();
  });

  it('lets a lead make a join code, and asks before leaving with unsent changes', async () => {
    team.status = teamStatus({ role: 'lead', member_name: 'Lea', waiting: 3 });
    team.madeCode = null;
    const backend = fakeBackend({
      add_team_member: (args) => ({ member_id: '0193a5c2-7f00-7000-8000-000000000001', join_code: `CM1-for-${String(args.name)}` }),
      leave_team: () => 3,
    });
    const user = userEvent.setup();
    render(TeamCard);
    expect(screen.getByTestId('team-waiting').textContent).toBe('3');
    // Without a name there is nothing to ask the server.
    await user.click(screen.getByTestId('team-add-member'));
    expect(screen.getByTestId('team-error').textContent).toBe("Enter the new member's name first.");
    expect(backend.calls).toEqual([]);
    await user.type(screen.getByTestId('team-member-name'), 'Bram');
    await user.selectOptions(screen.getByTestId('team-member-role'), 'staff');
    await user.click(screen.getByTestId('team-add-member'));
    await waitFor(() => expect((screen.getByTestId('team-new-code') as HTMLTextAreaElement).value).toBe('CM1-for-Bram'));
    expect(screen.getByText('Join code for Bram')).toBeTruthy();
    expect(backend.calls[0]).toEqual({ cmd: 'add_team_member', args: { name: 'Bram', role: 'staff' } });

    await user.click(screen.getByTestId('team-leave'));
    expect(screen.getByText(/3 changes have not reached the server/)).toBeTruthy();
    // The question starts on the safe answer, and Esc keeps the membership.
    expect(document.activeElement).toBe(screen.getByTestId('team-leave-cancel'));
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('team-leave-confirm')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('team-leave'));
    await user.click(screen.getByTestId('team-leave'));
    expect(backend.calls.map((c) => c.cmd)).not.toContain('leave_team');
    await user.click(screen.getByTestId('team-leave-confirm'));
    await waitFor(() => expect(team.status).toBeNull());
    expect(screen.getByTestId('team-note').textContent).toContain('3 unsent changes stay here only');
  });
});

describe('team status line', () => {
  it('shows what waits and when sync last worked, or that the server is away', async () => {
    let current = teamStatus({ waiting: 2 });
    fakeBackend({ team_status: () => current });
    render(TeamStatusLine);
    await refreshTeam();
    await waitFor(() => expect(screen.getByTestId('team-line').textContent).toMatch(/^Team: Service desk · 2 waiting to sync · last synced \d\d:\d\d$/));
    current = teamStatus({ waiting: 5, last_error: 'down', last_error_code: 'unreachable' });
    await refreshTeam();
    await waitFor(() => expect(screen.getByTestId('team-line').textContent).toMatch(/5 waiting to sync · last synced \d\d:\d\d · team server unreachable, you can keep logging$/));
    // Refused is not "unreachable": the desk must get a new code, waiting does not help.
    current = teamStatus({ waiting: 5, last_error: 'no longer accepts', last_error_code: 'not_allowed' });
    await refreshTeam();
    await waitFor(() => expect(screen.getByTestId('team-line').textContent).toContain('no longer accepts this desk: ask your team lead for a new code'));
    expect(screen.getByTestId('team-line').textContent).not.toContain('unreachable');
  });

  it('reloads the screens when contacts arrived from the team', async () => {
    let current = teamStatus({ pulled_here: 0 });
    fakeBackend({ team_status: () => current });
    await refreshTeam();
    const before = app.dataVersion;
    await refreshTeam();
    expect(app.dataVersion).toBe(before);
    current = teamStatus({ pulled_here: 4 });
    await refreshTeam();
    expect(app.dataVersion).toBe(before + 1);
  });
});
