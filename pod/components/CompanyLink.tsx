import { hostBridge } from '../models/session.ts';

/** A company's name that opens it in Manage, in a new tab, where its distributor tab is. */
export function CompanyLink(props: { id: number | null; name: string }) {
  if (!props.id) return <>{props.name}</>;
  const id = props.id;
  return (
    <button
      type="button"
      class="link"
      onClick={() => void hostBridge()?.request('openScreen', { screen: 'company', id, newTab: true })}
    >
      {props.name}
    </button>
  );
}
