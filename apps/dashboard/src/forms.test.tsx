import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiError } from './api';
import { SendCallForm, type SendCallBody } from './pages/SendCallPage';
import { BatchForm, type BatchBody } from './pages/BatchesPage';

const AGENTS = [
  { retellAgentId: 'agent_a', name: 'Screener', createdAt: '' },
  { retellAgentId: 'agent_b', name: null, createdAt: '' },
];

describe('SendCallForm', () => {
  it('preselects the default agent and from number', () => {
    render(<SendCallForm agents={AGENTS} defaultAgentId="agent_b" defaultFromNumber="+14155550100" onSend={vi.fn()} />);
    expect(screen.getByLabelText('Agent')).toHaveValue('agent_b');
    expect(screen.getByLabelText('From number')).toHaveValue('+14155550100');
  });

  it('refuses a number that is not E.164 without calling the API, and says so next to the field', async () => {
    const onSend = vi.fn();
    render(<SendCallForm agents={AGENTS} onSend={onSend} />);
    await userEvent.type(screen.getByLabelText('To number'), '415-555-0123');
    await userEvent.click(screen.getByRole('button', { name: 'Send call' }));
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByLabelText('To number')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('To number')).toHaveAccessibleDescription(/E\.164/);
  });

  it('sends the number, agent, dynamic variable rows (blank rows dropped) and priority', async () => {
    const onSend = vi.fn<(b: SendCallBody) => Promise<unknown>>().mockResolvedValue({});
    render(<SendCallForm agents={AGENTS} defaultAgentId="agent_a" onSend={onSend} />);
    await userEvent.type(screen.getByLabelText('To number'), '+14155550123');
    await userEvent.click(screen.getByRole('button', { name: 'Add variable' }));
    await userEvent.click(screen.getByRole('button', { name: 'Add variable' }));
    await userEvent.click(screen.getByRole('button', { name: 'Add variable' }));
    await userEvent.type(screen.getByLabelText('Name 1'), 'first_name');
    await userEvent.type(screen.getByLabelText('Value 1'), 'Ada');
    await userEvent.type(screen.getByLabelText('Name 3'), 'slot');
    await userEvent.type(screen.getByLabelText('Value 3'), '9am');
    await userEvent.click(screen.getByRole('button', { name: 'Remove variable 3' }));
    await userEvent.type(screen.getByLabelText('Name 2'), 'slot');
    await userEvent.type(screen.getByLabelText('Value 2'), '10am');
    await userEvent.selectOptions(screen.getByLabelText('Priority'), 'high');
    await userEvent.click(screen.getByRole('button', { name: 'Send call' }));
    expect(onSend).toHaveBeenCalledWith({
      toNumber: '+14155550123',
      agentId: 'agent_a',
      dynamicVariables: { first_name: 'Ada', slot: '10am' },
      priority: 'high',
    });
  });

  it('shows the API field errors next to the field they name, the rest above the button', async () => {
    const onSend = vi
      .fn()
      .mockRejectedValue(
        new ApiError(400, ['fromNumber must be an E.164 number such as +14155550100', 'scheduledAt must be in the future', 'tenant has no Retell key']),
      );
    render(<SendCallForm agents={AGENTS} onSend={onSend} />);
    await userEvent.type(screen.getByLabelText('To number'), '+14155550123');
    await userEvent.click(screen.getByRole('button', { name: 'Send call' }));
    expect(await screen.findByText('scheduledAt must be in the future')).toHaveAttribute('id', 'scheduledAt-error');
    expect(screen.getByLabelText('Schedule (optional, your time)')).toHaveAccessibleDescription('scheduledAt must be in the future');
    expect(screen.getByText('fromNumber must be an E.164 number such as +14155550100')).toHaveAttribute('id', 'fromNumber-error');
    expect(screen.getByText('tenant has no Retell key')).toBeInTheDocument();
  });
});

describe('BatchForm', () => {
  it('builds targets from pasted numbers and an uploaded CSV', async () => {
    const onCreate = vi.fn<(b: BatchBody) => Promise<unknown>>().mockResolvedValue({});
    render(<BatchForm onCreate={onCreate} />);
    await userEvent.type(screen.getByLabelText('Numbers'), '+14155550100{enter}+14155550101');
    const file = new File(['phone,first_name\n+14155550102,Ada\n'], 'people.csv', { type: 'text/csv' });
    await userEvent.upload(screen.getByLabelText('CSV file'), file);
    expect(await screen.findByText(/people\.csv: 1 number/)).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText('Max concurrent'));
    await userEvent.type(screen.getByLabelText('Max concurrent'), '3');
    await userEvent.click(screen.getByRole('button', { name: 'Create batch' }));
    expect(onCreate).toHaveBeenCalledWith({
      maxConcurrent: 3,
      targets: ['+14155550100', '+14155550101', { toNumber: '+14155550102', dynamicVariables: { first_name: 'Ada' } }],
    });
  });

  it('lists bad numbers under the numbers field and sends nothing', async () => {
    const onCreate = vi.fn();
    render(<BatchForm onCreate={onCreate} />);
    await userEvent.type(screen.getByLabelText('Numbers'), '+14155550100, 12345');
    await userEvent.click(screen.getByRole('button', { name: 'Create batch' }));
    expect(onCreate).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Numbers')).toHaveAccessibleDescription('"12345" is not an E.164 number such as +14155550123');
  });

  it('refuses an empty batch and a bad maxConcurrent', async () => {
    render(<BatchForm onCreate={vi.fn()} />);
    await userEvent.clear(screen.getByLabelText('Max concurrent'));
    await userEvent.type(screen.getByLabelText('Max concurrent'), '0');
    await userEvent.click(screen.getByRole('button', { name: 'Create batch' }));
    const form = screen.getByRole('form', { name: 'New batch' });
    expect(within(form).getByText(/targets must not be empty/)).toBeInTheDocument();
    expect(within(form).getByText(/maxConcurrent must be a whole number/)).toBeInTheDocument();
  });

  it('sends the calling window when asked for', async () => {
    const onCreate = vi.fn().mockResolvedValue({});
    render(<BatchForm onCreate={onCreate} />);
    await userEvent.type(screen.getByLabelText('Numbers'), '+14155550100');
    await userEvent.click(screen.getByLabelText('Only call inside a daily window'));
    await userEvent.clear(screen.getByLabelText('Time zone'));
    await userEvent.type(screen.getByLabelText('Time zone'), 'America/Chicago');
    await userEvent.click(screen.getByRole('button', { name: 'Create batch' }));
    expect(onCreate.mock.calls[0][0].window).toEqual({ start: '09:00', end: '17:00', timeZone: 'America/Chicago' });
  });

  it('empties itself once the batch is created, so a second click sends nothing again', async () => {
    const onCreate = vi.fn().mockResolvedValue({});
    render(<BatchForm onCreate={onCreate} />);
    await userEvent.type(screen.getByLabelText('Name'), 'Monday list');
    await userEvent.upload(screen.getByLabelText('CSV file'), new File(['phone\n+14155550100\n'], 'people.csv', { type: 'text/csv' }));
    expect(await screen.findByText(/people\.csv: 1 number/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Create batch' }));
    expect(onCreate).toHaveBeenCalledTimes(1);
    expect(screen.getByLabelText('Name')).toHaveValue('');
    expect(screen.queryByText(/people\.csv: 1 number/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Create batch' }));
    expect(onCreate).toHaveBeenCalledTimes(1);
    expect(screen.getByText(/targets must not be empty/)).toBeInTheDocument();
  });
});
