import { Router, type Request, type Response } from 'express';
import { blankForm, formRoute } from '../core/forms';
import { actorOf, guardedRouter, publicRoute, requireRole } from '../core/guards';
import { clientIp, noticeOf } from '../core/request-info';
import { formatTime } from '../core/time';
import { uploadField, type UploadArea } from '../core/upload';
import { validate } from '../core/validate';
import type { OrganisationService } from '../organisations';
import type { RegionsService } from '../regions';
import type { TaxonomyService } from '../taxonomy';
import { ATTACHMENT_TYPES_LABEL, NEED_ATTACHMENT_POLICY, refineAttachment } from './need-attachments';
import { needFormOptions, needFormValues, presentNeedSummary, presentNeedView, type NeedLabelContext } from './needs.presenter';
import { attachmentDeclaration, attachmentParams, closeInput, needInput, needParams, reviewDecisionInput } from './needs.schemas';
import type { NeedsService } from './needs.service';

const NOTICES = new Set(['saved', 'submitted', 'published', 'withdrawn', 'closed', 'approved', 'returned', 'attached', 'removed']);

export interface NeedsRoutesDeps {
  needs: NeedsService;
  organisations: OrganisationService;
  regions: RegionsService;
  taxonomy: TaxonomyService;
  uploads: UploadArea;
}

export function needsRoutes(deps: NeedsRoutesDeps): Router {
  const router = guardedRouter(Router());
  const { needs } = deps;
  const publishers = requireRole('org-admin', 'org-member');
  const organisers = requireRole('organiser', 'platform-admin');

  async function labels(res: Response): Promise<NeedLabelContext> {
    return { locale: res.locals.locale, t: res.locals.t, domains: await deps.taxonomy.listDomains(), organisations: deps.organisations, regions: deps.regions };
  }

  const formLocals = async (req: Request, res: Response) => ({
    ...needFormOptions(await labels(res)),
    needId: typeof req.params.id === 'string' ? req.params.id : null,
    attachmentTypes: ATTACHMENT_TYPES_LABEL,
  });

  /** The detail page's locals; it is also the form that reports a refused attachment or review decision. */
  const showLocals = async (req: Request, res: Response) => {
    const { id } = validate(needParams, req.params);
    const view = await needs.view(actorOf(req), id, clientIp(req));
    return { ...presentNeedView(view, await labels(res)), attachmentTypes: ATTACHMENT_TYPES_LABEL, notice: noticeOf(req, NOTICES) };
  };

  router.get('/needs/new', publishers, async (req, res) => {
    const defaults = await needs.newNeedDefaults(actorOf(req));
    res.render('needs/form', { ...(await formLocals(req, res)), ...blankForm(defaults) });
  });

  router.post(
    '/needs',
    publishers,
    formRoute(
      'needs/form',
      async (req, res) => {
        const input = validate(needInput, req.body);
        const { id } = await needs.create(actorOf(req), input, clientIp(req));
        res.redirect(303, `/needs/${id}?notice=saved`);
      },
      formLocals,
    ),
  );

  router.get('/needs/mine', publishers, async (req, res) => {
    const [own, context] = await Promise.all([needs.listOwn(actorOf(req)), labels(res)]);
    res.render('needs/mine', { needs: own.map((need) => presentNeedSummary(need, context)) });
  });

  router.get('/review/needs', organisers, async (req, res) => {
    const [queue, context] = await Promise.all([needs.reviewQueue(actorOf(req)), labels(res)]);
    res.render('needs/review-queue', {
      needs: queue.map((need) => ({ ...presentNeedSummary(need, context), heldFindings: need.heldFindings, submittedAt: need.submittedAt ? formatTime(need.submittedAt) : '' })),
      notice: noticeOf(req, NOTICES),
    });
  });

  router.get('/needs/:id', publicRoute, async (req, res) => {
    res.render('needs/show', { ...(await showLocals(req, res)), ...blankForm() });
  });

  router.get('/api/needs/:id', publicRoute, async (req, res) => {
    const { id } = validate(needParams, req.params);
    res.json(await needs.view(actorOf(req), id, clientIp(req)));
  });

  router.get('/needs/:id/edit', publishers, async (req, res) => {
    const { id } = validate(needParams, req.params);
    const { need, management } = await needs.editable(actorOf(req), id);
    res.render('needs/form', { ...(await formLocals(req, res)), ...blankForm(needFormValues(need, management)) });
  });

  router.post(
    '/needs/:id',
    publishers,
    formRoute(
      'needs/form',
      async (req, res) => {
        const { id } = validate(needParams, req.params);
        const input = validate(needInput, req.body);
        await needs.update(actorOf(req), id, input);
        res.redirect(303, `/needs/${id}?notice=saved`);
      },
      formLocals,
    ),
  );

  router.post('/needs/:id/submit', publishers, async (req, res) => {
    const { id } = validate(needParams, req.params);
    const status = await needs.submit(actorOf(req), id);
    res.redirect(303, `/needs/${id}?notice=${status === 'published' ? 'published' : 'submitted'}`);
  });

  router.post('/needs/:id/withdraw', publishers, async (req, res) => {
    const { id } = validate(needParams, req.params);
    await needs.withdraw(actorOf(req), id);
    res.redirect(303, `/needs/${id}?notice=withdrawn`);
  });

  router.post('/needs/:id/close', requireRole('org-admin', 'org-member', 'organiser', 'platform-admin'), async (req, res) => {
    const { id } = validate(needParams, req.params);
    const { reason } = validate(closeInput, req.body);
    await needs.close(actorOf(req), id, reason);
    res.redirect(303, `/needs/${id}?notice=closed`);
  });

  router.post(
    '/needs/:id/review',
    organisers,
    formRoute(
      'needs/show',
      async (req, res) => {
        const { id } = validate(needParams, req.params);
        const decision = validate(reviewDecisionInput, req.body);
        const status = await needs.review(actorOf(req), id, decision, clientIp(req));
        res.redirect(303, `/review/needs?notice=${status === 'published' ? 'approved' : 'returned'}`);
      },
      showLocals,
    ),
  );

  // Multipart: the CSRF token travels in the query string (see core/csrf.ts).
  router.post(
    '/needs/:id/attachments',
    publishers,
    formRoute(
      'needs/show',
      async (req, res) => {
        const { id } = validate(needParams, req.params);
        const received = await refineAttachment(await deps.uploads.receive(req, res, NEED_ATTACHMENT_POLICY));
        const { file } = validate(attachmentDeclaration.extend({ file: uploadField({ required: true }) }), { ...req.body, file: received });
        await needs.addAttachment(actorOf(req), id, file, clientIp(req));
        res.redirect(303, `/needs/${id}?notice=attached`);
      },
      showLocals,
    ),
  );

  router.post('/needs/:id/attachments/:attachmentId/delete', publishers, async (req, res) => {
    const { id, attachmentId } = validate(attachmentParams, req.params);
    await needs.removeAttachment(actorOf(req), id, attachmentId, clientIp(req));
    res.redirect(303, `/needs/${id}?notice=removed`);
  });

  // Always a download with the detected type, never rendered as a page of ours.
  router.get('/needs/:id/attachments/:attachmentId', publicRoute, async (req, res) => {
    const { id, attachmentId } = validate(attachmentParams, req.params);
    const file = await needs.openAttachment(actorOf(req), id, attachmentId, clientIp(req));
    res.attachment(file.name);
    res.set({ 'Content-Type': file.mime, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, no-store' });
    res.send(Buffer.from(file.content));
  });

  return router;
}
