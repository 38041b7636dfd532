-- An order the exchange cancelled (self-trade prevention, the market closing) says why in
-- reject_reason, as a refused order does; a REJECTED order must say why, a cancelled one may,
-- and no other order has a reason.
ALTER TABLE "orders" DROP CONSTRAINT "orders_reject_reason_check";
ALTER TABLE "orders" ADD CONSTRAINT "orders_reject_reason_check" CHECK (
    CASE "status"
        WHEN 'REJECTED' THEN "reject_reason" IS NOT NULL
        WHEN 'CANCELLED' THEN true
        ELSE "reject_reason" IS NULL
    END
);
