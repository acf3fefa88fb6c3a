import { Button, Group, Table, Text } from '@mantine/core';
import { keepPreviousData, useInfiniteQuery, type QueryKey } from '@tanstack/react-query';
import type { CSSProperties, ReactNode } from 'react';
import { m } from '../i18n';
import { ErrorAlert, Loading } from './QueryState';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  /** Hidden below this width (keeps 360 px screens readable). */
  hideBelow?: 'sm' | 'md';
  width?: number | string;
}

/** One page of a cursor-paged list endpoint (`{items, nextCursor}`). */
export interface CursorPage<T> {
  items: T[];
  nextCursor?: string | null;
}

/**
 * Every page of a cursor-paged list (`?limit=&cursor=`), "Xem thêm" fetches the next one. The
 * fetcher receives the cursor (undefined for the first page).
 */
export function useCursorList<P extends CursorPage<unknown>>(key: QueryKey, fetchPage: (cursor: string | undefined) => Promise<P>, enabled = true) {
  const query = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // A new search or filter keeps showing the previous rows until its answer arrives.
    placeholderData: keepPreviousData,
    enabled,
  });
  const rows = (query.data?.pages.flatMap((p) => p.items) ?? []) as P['items'];
  return { ...query, rows };
}

/** An accessible table (caption, column headers) that scrolls sideways on narrow screens. */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  empty = m.app.empty,
  minWidth = 600,
  rowStyle,
}: {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  empty?: string;
  minWidth?: number;
  /** A style per row (e.g. a background colour by status). */
  rowStyle?: (row: T) => CSSProperties | undefined;
}) {
  if (!rows.length) {
    return (
      <Text c="dimmed" role="status">
        {empty}
      </Text>
    );
  }
  const visibility = (c: Column<T>) => (c.hideBelow ? { visibleFrom: c.hideBelow } : {});
  return (
    <Table.ScrollContainer minWidth={minWidth} type="native">
      <Table striped highlightOnHover verticalSpacing="xs" captionSide="top">
        <Table.Caption style={{ textAlign: 'left' }} className="visually-hidden">
          {caption}
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.header} scope="col" w={c.width} {...visibility(c)}>
                {c.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={rowKey(row)} style={rowStyle?.(row)}>
              {columns.map((c) => (
                <Table.Td key={c.header} {...visibility(c)}>
                  {c.cell(row)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** A cursor-paged list in a DataTable, with loading, errors and "Xem thêm". */
export function PagedTable<T>(props: {
  caption: string;
  columns: Column<T>[];
  list: { rows: T[]; isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown; hasNextPage: boolean; fetchNextPage: () => unknown; isFetchingNextPage: boolean };
  rowKey: (row: T) => string;
  empty?: string;
  minWidth?: number;
}) {
  const { list } = props;
  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorAlert error={list.error} onRetry={() => list.refetch()} />;
  return (
    <>
      <DataTable caption={props.caption} columns={props.columns} rows={list.rows} rowKey={props.rowKey} empty={props.empty} minWidth={props.minWidth} />
      {list.hasNextPage && (
        <Group justify="center">
          <Button variant="light" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {m.app.loadMore}
          </Button>
        </Group>
      )}
    </>
  );
}
