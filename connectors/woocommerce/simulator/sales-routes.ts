/** /orders (with notes) and /customers. */
import type { SimRoute } from '../../simulator-kit/server';
import type { Sales } from './sales';
import { BASE, bodyOf, forMethods, invalidId, isError, json, listResponse } from './rest';
import { wpError } from './wp';

const ORDER_ORDERBY = ['date', 'id', 'include', 'title', 'slug', 'modified'];
const CUSTOMER_ORDERBY = ['id', 'include', 'name', 'registered_date'];

export function salesRoutes(sales: Sales, siteUrl: string): SimRoute[] {
  const noOrder = () => wpError(404, 'woocommerce_rest_order_invalid_id', 'Invalid order ID.');
  return [
    {
      method: 'GET',
      path: `${BASE}/orders`,
      handler(req) {
        const statuses = (req.query.get('status') ?? 'any').split(',');
        const rows = [...sales.orders.values()].filter((o) => statuses.includes('any') || statuses.includes(o.status));
        return listResponse(req, siteUrl, rows, ORDER_ORDERBY, (o) => sales.renderOrder(o));
      },
    },
    {
      method: 'POST',
      path: `${BASE}/orders`,
      handler(req) {
        const o = sales.saveOrder(bodyOf(req));
        return isError(o) ? o : json(201, sales.renderOrder(o));
      },
    },
    {
      method: 'GET',
      path: `${BASE}/orders/:id`,
      handler(req) {
        const o = sales.orders.get(Number(req.params.id));
        return o ? json(200, sales.renderOrder(o)) : invalidId('shop_order');
      },
    },
    ...forMethods(['PUT', 'PATCH'], `${BASE}/orders/:id`, (req) => {
      const existing = sales.orders.get(Number(req.params.id));
      if (!existing) return invalidId('shop_order', 400);
      const o = sales.saveOrder(bodyOf(req), existing);
      return isError(o) ? o : json(200, sales.renderOrder(o));
    }),
    {
      method: 'GET',
      path: `${BASE}/orders/:id/notes`,
      handler(req) {
        const o = sales.orders.get(Number(req.params.id));
        if (!o) return noOrder();
        const type = req.query.get('type') ?? 'any';
        const notes = o.notes.filter((n) => type === 'any' || (type === 'customer') === n.customer_note);
        // Not paginated: every note at once, newest first.
        return json(200, [...notes].reverse().map((n) => sales.renderNote(n)));
      },
    },
    {
      method: 'POST',
      path: `${BASE}/orders/:id/notes`,
      handler(req) {
        const o = sales.orders.get(Number(req.params.id));
        if (!o) return noOrder();
        const n = sales.addNote(o, bodyOf(req));
        return isError(n) ? n : json(201, sales.renderNote(n));
      },
    },

    {
      method: 'GET',
      path: `${BASE}/customers`,
      handler(req) {
        const role = req.query.get('role') ?? 'customer';
        const email = req.query.get('email');
        const rows = [...sales.customers.values()]
          .filter((c) => role === 'all' || c.role === role)
          .filter((c) => !email || c.email.toLowerCase() === email.toLowerCase())
          .map((c) => ({ ...c, name: `${c.firstName} ${c.lastName}` }));
        // A WP_User_Query: no date filters, ordered by name unless told otherwise.
        for (const p of ['modified_after', 'modified_before', 'after', 'before']) req.query.delete(p);
        return listResponse(req, siteUrl, rows, CUSTOMER_ORDERBY, (c) => sales.renderCustomer(c), { orderby: 'name', order: 'asc' });
      },
    },
    {
      method: 'POST',
      path: `${BASE}/customers`,
      handler(req) {
        const c = sales.saveCustomer(bodyOf(req));
        return isError(c) ? c : json(201, sales.renderCustomer(c));
      },
    },
    {
      method: 'GET',
      path: `${BASE}/customers/:id`,
      handler(req) {
        const c = sales.customers.get(Number(req.params.id));
        return c ? json(200, sales.renderCustomer(c)) : wpError(404, 'woocommerce_rest_invalid_id', 'Invalid resource ID.');
      },
    },
    ...forMethods(['PUT', 'PATCH'], `${BASE}/customers/:id`, (req) => {
      const existing = sales.customers.get(Number(req.params.id));
      if (!existing) return wpError(400, 'woocommerce_rest_invalid_id', 'Invalid resource ID.');
      const c = sales.saveCustomer(bodyOf(req), existing);
      return isError(c) ? c : json(200, sales.renderCustomer(c));
    }),
  ];
}
